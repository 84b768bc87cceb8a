"""The parity gate: a backend is timed only after it agrees with fp32 eager on a model whose
logits mean something.

A random-init model's logits are ~0.005 in size, so near-zero differences prove nothing. The
gate therefore trains a small model of the *same family* (the family's own config — norms,
activations, bottlenecks — with shrunken widths) on a learnable synthetic task until it is
confident, and compares logits on held-out, variably padded batches.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from harness.backends.base import Backend

PARITY_VOCAB = 1000
PARITY_MAX_LEN = 64
PAD_ID, CLS_ID, SEP_ID = 0, 101, 102
TOKEN_LOW, SPLIT, TOKEN_HIGH = 200, 600, PARITY_VOCAB
TRAIN_STEPS, TRAIN_BATCH, LEARNING_RATE = 300, 32, 1e-3
PARITY_EXAMPLES, PARITY_BATCH = 512, 32
MIN_TASK_ACCURACY = 0.9  # below this the parity model is not "trained" and the gate says so

# Gate thresholds: agreement of argmax, and max |Δlogit| relative to the logit scale.
MIN_AGREEMENT = 0.99
RELATIVE_TOLERANCE = {"fp32": 1e-3, "bf16": 0.1, "int8": 0.1}

# Width overrides per model_type; everything else (norm type, activation, number of
# feed-forward stacks, embedding trigram input…) stays as the real model declares it.
SHRINK = {
    "bert": dict(hidden_size=128, num_hidden_layers=2, num_attention_heads=2,
                 intermediate_size=512),
    "distilbert": dict(dim=128, n_layers=2, n_heads=2, hidden_dim=512),
    "mobilebert": dict(hidden_size=128, embedding_size=32, true_hidden_size=32,
                       intra_bottleneck_size=32, num_hidden_layers=2, num_attention_heads=2,
                       intermediate_size=128),
}


def parity_config(model_config: Any):
    """The real model's config with shrunken widths, a 1,000-id vocab and 2 labels."""
    from transformers import AutoConfig

    model_type = model_config.model_type
    if model_type not in SHRINK:
        raise ValueError(
            f"no parity model for family {model_type!r} (known: {', '.join(SHRINK)}); "
            "its backends cannot pass the gate and will not be ranked"
        )
    values = model_config.to_dict()
    for key in ("architectures", "id2label", "label2id", "_name_or_path", "transformers_version",
                "model_type", "num_labels"):
        values.pop(key, None)
    values.update(SHRINK[model_type], vocab_size=PARITY_VOCAB,
                  max_position_embeddings=max(PARITY_MAX_LEN, 128), num_labels=2)
    return AutoConfig.for_model(model_type, **values)


def synthetic_task(n: int, seed: int) -> tuple[dict[str, Any], Any]:
    """Majority vote of low vs high ids, lengths 8–64, padded: learnable, with close calls."""
    import torch

    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(8, PARITY_MAX_LEN + 1, (n,), generator=g)
    # Per-example share of low ids, so some examples are close to the decision boundary.
    share = torch.rand(n, 1, generator=g) * 0.6 + 0.2
    low = torch.rand(n, PARITY_MAX_LEN, generator=g) < share
    ids = torch.where(
        low,
        torch.randint(TOKEN_LOW, SPLIT, (n, PARITY_MAX_LEN), generator=g),
        torch.randint(SPLIT, TOKEN_HIGH, (n, PARITY_MAX_LEN), generator=g),
    )
    positions = torch.arange(PARITY_MAX_LEN).expand(n, -1)
    mask = positions < lengths[:, None]
    ids[:, 0] = CLS_ID
    ids[positions == (lengths[:, None] - 1)] = SEP_ID
    ids = torch.where(mask, ids, torch.full_like(ids, PAD_ID))
    body = mask & (positions > 0) & (positions < lengths[:, None] - 1)
    n_low = ((ids < SPLIT) & (ids >= TOKEN_LOW) & body).sum(1)
    n_high = ((ids >= SPLIT) & body).sum(1)
    labels = (n_low > n_high).long()
    return {"input_ids": ids, "attention_mask": mask.long()}, labels


def _cache_key(config: Any) -> str:
    blob = json.dumps({"config": config.to_dict(), "steps": TRAIN_STEPS, "lr": LEARNING_RATE,
                       "batch": TRAIN_BATCH, "task": "majority-v1"}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def trained_parity_model(model_config: Any, cache_dir: Path | None = None,
                         seed: int = 0) -> tuple[Any, dict[str, Any]]:
    """The family's small model, trained once and cached as safetensors, loaded back through
    ``from_pretrained(local_dir)`` like any checkpoint."""
    from transformers import AutoModelForSequenceClassification

    config = parity_config(model_config)
    root = cache_dir or Path(os.environ.get("BENCH_PARITY_DIR") or tempfile.gettempdir())
    target = root / f"parity-{config.model_type}-{_cache_key(config)}"
    if not (target / "parity_model.json").exists():
        _train_and_save(config, target, seed)
    record = json.loads((target / "parity_model.json").read_text(encoding="utf-8"))
    model = AutoModelForSequenceClassification.from_pretrained(
        target, attn_implementation="sdpa"
    ).eval()
    record["path"] = str(target)
    return model, record


def _train_and_save(config: Any, target: Path, seed: int) -> None:
    import torch
    from transformers import AutoModelForSequenceClassification

    torch.manual_seed(seed)
    model = AutoModelForSequenceClassification.from_config(config)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    started = time.perf_counter()
    for step in range(TRAIN_STEPS):
        batch, labels = synthetic_task(TRAIN_BATCH, seed=1_000 + step)
        loss = model(**batch, labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    batch, labels = synthetic_task(PARITY_EXAMPLES, seed=seed + 7)
    with torch.inference_mode():
        logits = model(**batch).logits
    accuracy = float((logits.argmax(-1) == labels).float().mean())
    record = {
        "family": config.model_type,
        "parameters": sum(p.numel() for p in model.parameters()),
        "task": "majority of low vs high token ids, lengths 8-64, padded",
        "train_steps": TRAIN_STEPS, "train_batch": TRAIN_BATCH, "learning_rate": LEARNING_RATE,
        "train_s": round(time.perf_counter() - started, 2),
        "heldout_accuracy": accuracy, "final_loss": float(loss.detach()),
        "logit_scale": float(logits.abs().max()),
        "shrunk": SHRINK[config.model_type],
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    model.save_pretrained(scratch, safe_serialization=True)
    (scratch / "parity_model.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
    try:
        scratch.rename(target)
    except OSError:  # another job got there first: theirs is identical (same seed and key)
        shutil.rmtree(scratch, ignore_errors=True)


@dataclass(frozen=True)
class ParityReport:
    backend: str
    reference: str
    model: str
    n: int
    agreement: float
    max_abs_logit_diff: float
    mean_abs_logit_diff: float
    logit_scale: float
    tolerance: float
    task_accuracy: float
    passed: bool
    reason: str
    # The same backend on a real fine-tuned model (precision-changing backends only).
    real_model: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare_logits(reference: Any, candidate: Any, precision: str) -> dict[str, Any]:
    """Agreement and |Δlogit| of two (n, labels) arrays, with the gate's tolerance."""
    import numpy as np

    reference, candidate = np.asarray(reference), np.asarray(candidate)
    diff = np.abs(reference - candidate)
    scale = float(np.abs(reference).max())
    return {
        "n": len(reference),
        "agreement": float((reference.argmax(-1) == candidate.argmax(-1)).mean()),
        "max_abs_logit_diff": float(diff.max()),
        "mean_abs_logit_diff": float(diff.mean()),
        "logit_scale": scale,
        "tolerance": RELATIVE_TOLERANCE[precision] * max(1.0, scale),
    }


RealCheck = Callable[[Backend, str], dict[str, Any]]


def check_parity(backend: Backend, model_config: Any, reference_name: str,
                 cache_dir: Path | None = None, real_check: RealCheck | None = None
                 ) -> ParityReport:
    """Convert the trained parity model with ``backend`` and hold it against fp32 eager;
    a backend that changes the precision also through ``real_check`` (on a real fine-tuned
    model: :func:`harness.accuracy.gate.parity_gate` passes it in from the accuracy layer)."""
    import numpy as np

    model, record = trained_parity_model(model_config, cache_dir)
    batch, _ = synthetic_task(PARITY_EXAMPLES, seed=7)
    chunks = [{k: v[i:i + PARITY_BATCH] for k, v in batch.items()}
              for i in range(0, PARITY_EXAMPLES, PARITY_BATCH)]
    from harness.backends import get_backend

    reference_prepared = get_backend(reference_name).prepare(model, chunks[0])
    candidate_prepared = backend.prepare(model, chunks[0])
    try:
        reference = np.concatenate([reference_prepared.logits(c) for c in chunks])
        candidate = np.concatenate([candidate_prepared.logits(c) for c in chunks])
    finally:
        reference_prepared.close()
        candidate_prepared.close()
    figures = compare_logits(reference, candidate, backend.precision)
    reasons = []
    if record["heldout_accuracy"] < MIN_TASK_ACCURACY:
        reasons.append(f"parity model only reached {record['heldout_accuracy']:.2f} on its task")
    if figures["agreement"] < MIN_AGREEMENT:
        reasons.append(f"agreement {figures['agreement']:.4f} < {MIN_AGREEMENT}")
    if figures["max_abs_logit_diff"] > figures["tolerance"]:
        reasons.append(f"max |Δlogit| {figures['max_abs_logit_diff']:.3g} > "
                       f"{figures['tolerance']:.3g}")
    real = None
    if backend.precision != "fp32" and real_check is not None:
        real = real_check(backend, reference_name)
        if real["checked"] and not real["passed"]:
            reasons.append(real["reason"])
    description = (f"trained {record['family']} parity model ({record['parameters']:,} params, "
                   f"held-out acc {record['heldout_accuracy']:.3f})")
    return ParityReport(
        backend=backend.name, reference=reference_name, model=description,
        task_accuracy=record["heldout_accuracy"], passed=not reasons,
        reason="; ".join(reasons) or "within tolerance", real_model=real, **figures,
    )
