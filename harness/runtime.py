"""Torch threading set explicitly, and the record of what torch really ran with."""

from __future__ import annotations

import contextlib
from typing import Any

from harness.allocator import malloc_record
from harness.suite import EfficiencyConfig, SuiteConfig
from models_registry.meta import ModelMeta
from models_registry.weights import ResolvedWeights, load_config_for, resolve_weights


def configure_torch(config: SuiteConfig) -> None:
    """Set intra- and inter-op threads before any parallel work (inter-op can be set once only)."""
    import torch

    torch.set_num_threads(config.threads)
    # Raises once inter-op work has started in this process; the record says what is in force.
    with contextlib.suppress(RuntimeError):
        torch.set_num_interop_threads(config.interop_threads)


def runtime_record(config: EfficiencyConfig, model: Any | None = None) -> dict[str, Any]:
    import torch

    from models_registry.loading import attention_implementation

    record = {
        "backend": config.backend,
        "dtype": config.dtype,
        "torch_version": torch.__version__,
        "intra_op_threads": torch.get_num_threads(),
        "inter_op_threads": torch.get_num_interop_threads(),
        "mkldnn": bool(torch.backends.mkldnn.is_available()),
        "grad_mode": "inference_mode",
        "malloc": malloc_record(),
    }
    if model is not None:
        record["attn_implementation"] = attention_implementation(model)
    return record


def unsupported_seq_len(model_or_config: Any, seq_len: int) -> str | None:
    """Why this architecture cannot take ``seq_len`` tokens, or None.

    Takes a model, a transformers config, or a declared config dict (the memory launcher
    decides before any probe imports torch).
    """
    config = getattr(model_or_config, "config", model_or_config)
    if isinstance(config, dict):
        limit = config.get("max_position_embeddings")
    else:
        limit = getattr(config, "max_position_embeddings", None)
    if limit is not None and seq_len > int(limit):
        return f"seq_len {seq_len} exceeds max_position_embeddings {limit}"
    return None


class NothingToMeasure(ValueError):
    """Every point of a job was skipped: the job must not be stored as ``ok``."""


def runnable_points(
    model_or_config: Any, points: list[tuple[int, int]]
) -> tuple[list[tuple[int, int]], list[dict[str, Any]]]:
    """The (batch, seq) points this architecture can take, and the skipped ones with why;
    raises :class:`NothingToMeasure` when none is left."""
    runnable, skipped = [], []
    for batch_size, seq_len in points:
        if reason := unsupported_seq_len(model_or_config, seq_len):
            skipped.append({"batch_size": batch_size, "seq_len": seq_len, "reason": reason})
        else:
            runnable.append((batch_size, seq_len))
    if not runnable:
        reasons = sorted({s["reason"] for s in skipped})
        raise NothingToMeasure(
            f"nothing to measure: every point was skipped ({'; '.join(reasons)}); "
            "choose --seq-lens within the model's positions"
        )
    return runnable, skipped


def resolve_for_job(
    meta: ModelMeta, config: EfficiencyConfig
) -> tuple[ResolvedWeights, ModelMeta]:
    """Weights by the config's policy (random init allowed: cost does not depend on values),
    and the declaration completed from the resolved config.json. Never imports torch."""
    weights = resolve_weights(
        meta, allow_random_init=True, force_random_init=config.weights == "random-init"
    )
    return weights, load_config_for(meta, weights)


def load_for_job(
    meta: ModelMeta, config: EfficiencyConfig
) -> tuple[Any, ResolvedWeights, ModelMeta]:
    """Resolve weights as :func:`resolve_for_job` does and build the model."""
    from models_registry.loading import load_classifier

    weights, meta = resolve_for_job(meta, config)
    model = load_classifier(
        meta, weights, attn_implementation=config.attn_implementation, seed=config.seed
    )
    return model, weights, meta


def accuracy_runtime(config: Any, classifier: Any) -> dict[str, Any]:
    """What an accuracy job ran with: threads and device for torch, versions for sklearn."""
    import torch

    record: dict[str, Any] = {
        "torch_version": torch.__version__,
        "intra_op_threads": torch.get_num_threads(),
        "inter_op_threads": torch.get_num_interop_threads(),
        "grad_mode": "inference_mode (evaluation)",
    }
    model = getattr(classifier, "model", None)
    if model is not None:
        from models_registry.loading import attention_implementation

        record["backend"] = "pytorch-sdpa"
        record["dtype"] = str(next(model.parameters()).dtype).replace("torch.", "")
        record["device"] = str(next(model.parameters()).device)
        record["attn_implementation"] = attention_implementation(model)
    else:
        import sklearn

        record["backend"] = f"scikit-learn {sklearn.__version__}"
    return record
