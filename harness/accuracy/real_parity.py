"""The parity gate on a real fine-tuned model, where this results directory holds one.

The trained small model shows that a conversion computes the same function; whether int8 or
bf16 keeps a *real* model's answers depends on the ranges of real weights and activations.
On MiniLM-L6 fine-tuned on the shared headlines, ``torch.ao`` per-tensor int8 kept only
96.9% of fp32's answers while passing the small model's gate. So a backend that changes the
precision is also held against fp32 eager on a model the welfake suite fine-tuned, on the
held-out test rows of the split it was fine-tuned on (rows it never saw).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.backends.base import INPUT_NAMES, Backend, cpu_flags

REAL_ROWS, REAL_BATCH, REAL_SEQ = 1024, 32, 128  # one padded shape: compiled backends compile once
CHECK_VERSION = "real-parity-v1"


@dataclass(frozen=True)
class RealModel:
    """A fine-tuned transformer classifier and the test rows of the split it learned from."""

    path: Path
    model: str  # the registry name it was fine-tuned from
    family: str  # config.model_type
    test_split: Path  # test.jsonl beside the manifest of its split
    test_fingerprint: str

    def describe(self) -> dict[str, Any]:
        return {"model": self.model, "family": self.family, "path": str(self.path),
                "test_split_fingerprint": self.test_fingerprint}


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _test_split(splits_dir: Path, recipe: dict[str, Any] | None) -> tuple[Path, str] | None:
    """The test split made by the same recipe (source, seed, fractions) as the model's
    training split, where the splits cache keeps it (``harness.data.news.split_key``)."""
    from harness.data.news import split_key

    if not recipe:
        return None
    for directory in sorted(splits_dir.glob(f"*-{split_key(recipe)}")):
        test = (_read_json(directory / "manifest.json") or {}).get("splits", {}).get("test")
        if test and (directory / "test.jsonl").is_file():
            return directory / "test.jsonl", test["fingerprint"]
    return None


def find_real_model(finetuned_dir: str | Path | None, splits_dir: str | Path | None,
                    family: str) -> RealModel | None:
    """A fine-tuned transformer (safetensors) with its test split: the same family as the
    timed model where there is one, else any (their names sort the choice)."""
    from harness.accuracy.models import RECORD_FILE  # what save_finetuned writes

    if not finetuned_dir or not splits_dir:
        return None
    found = []
    for record_path in sorted(Path(finetuned_dir).glob(f"*/{RECORD_FILE}")):
        directory = record_path.parent
        record = _read_json(record_path) or {}
        config = _read_json(directory / "config.json") or {}
        if not (directory / "model.safetensors").is_file() or "model_type" not in config:
            continue  # a TF-IDF baseline, or a half-written directory
        train = record.get("data", {}).get("train", {})
        split = _test_split(Path(splits_dir), train.get("notes", {}).get("recipe"))
        if split is not None:
            found.append(RealModel(directory, record.get("model", directory.name),
                                   config["model_type"], *split))
    same = [m for m in found if m.family == family]
    return (same or found or [None])[0]


def _cache_file(backend: Backend, real: RealModel, rows: int) -> Path:
    """The check depends on the backend's code and packages, the weights, the rows, this
    CPU's instructions and the thread count; all of them are in the key."""
    import torch

    from harness.environment import package_versions

    versions = package_versions()
    weights = real.path / "model.safetensors"
    with weights.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    blob = json.dumps({
        "check": CHECK_VERSION, "backend": backend.name, "description": backend.description,
        "packages": {p: versions.get(p) for p in ("torch", "transformers", *backend.requires)},
        "weights": digest, "split": real.test_fingerprint, "rows": rows,
        "cpu": sorted(cpu_flags()), "threads": torch.get_num_threads(),
    }, sort_keys=True)
    key = hashlib.sha256(blob.encode()).hexdigest()[:16]
    root = Path(os.environ.get("BENCH_PARITY_DIR") or tempfile.gettempdir())
    return root / f"real-parity-{backend.name}-{key}.json"


def _batches(real: RealModel, tokenizer: Any, rows: int, seq_len: int) -> list[dict[str, Any]]:
    from harness.data.dataset import LabelledTexts

    split = LabelledTexts.from_jsonl(real.test_split)
    n = min(rows, len(split)) // REAL_BATCH * REAL_BATCH
    if n == 0:
        raise ValueError(f"{real.test_split}: {len(split)} rows, fewer than one batch of "
                         f"{REAL_BATCH}; re-make the split with more data")
    encoded = tokenizer(list(split.texts[:n]), list(split.pairs[:n]) if split.pairs else None,
                        truncation=True, max_length=seq_len, padding="max_length",
                        return_tensors="pt")
    return [{k: encoded[k][i:i + REAL_BATCH] for k in INPUT_NAMES}
            for i in range(0, n, REAL_BATCH)]


def check_real_parity(backend: Backend, real: RealModel, reference_name: str,
                      rows: int = REAL_ROWS) -> dict[str, Any]:
    """Argmax agreement (and |Δlogit|) of ``backend`` with fp32 eager on ``rows`` test rows
    of ``real``; cached per backend, weights, rows, CPU and threads."""
    from harness.backends.parity import MIN_AGREEMENT, compare_logits

    cache = _cache_file(backend, real, rows)
    cached = _read_json(cache)
    if cached is not None:
        return {**cached, "from_cache": True}
    import numpy as np

    from harness.accuracy.models import load_finetuned
    from harness.backends import get_backend

    started = time.perf_counter()
    classifier, _, _ = load_finetuned(real.path, max_length=REAL_SEQ, batch_size=REAL_BATCH)
    model = classifier.model
    seq_len = min(REAL_SEQ, getattr(model.config, "max_position_embeddings", REAL_SEQ))
    chunks = _batches(real, classifier.tokenizer, rows, seq_len)
    logits = []
    for converter in (get_backend(reference_name), backend):
        prepared = converter.prepare(model, chunks[0], shapes=[(REAL_BATCH, seq_len)])
        try:
            logits.append(np.concatenate([prepared.logits(c) for c in chunks]))
        finally:
            prepared.close()
    figures = compare_logits(*logits, backend.precision)
    passed = figures["agreement"] >= MIN_AGREEMENT
    result = {
        "checked": True, **real.describe(), **figures, "seq_len": seq_len,
        "min_agreement": MIN_AGREEMENT, "passed": passed,
        "reason": ("agreement within the gate" if passed else
                   f"real model {real.model}: agreement {figures['agreement']:.4f} < "
                   f"{MIN_AGREEMENT} on {figures['n']} test rows"),
        "check_s": round(time.perf_counter() - started, 2),
    }
    from harness.records.atomic import atomic_write_text

    cache.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(cache, json.dumps(result, indent=1))
    return {**result, "from_cache": False}


def not_checked(finetuned_dir: str | None) -> dict[str, Any]:
    """What the gate records when no real model is at hand: said, never assumed."""
    where = finetuned_dir or "the run's results directory"
    return {"checked": False,
            "why": (f"no fine-tuned transformer with its test split under {where}; "
                    "`bench run --suites welfake --models minilm-l6` makes one")}


__all__ = ["REAL_ROWS", "RealModel", "check_real_parity", "find_real_model", "not_checked"]
