"""The serving suite's flags and config: read by the suite, the job and the accuracy mode
alike, so none of them imports another to learn what a run asked for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.data.news import default_welfake
from harness.options import Option, positive_float, positive_int
from harness.suite import EfficiencyConfig

GROUP = "serving suite"
MLPERF_BOUND_MS = 130.0  # MLPerf Inference's Server p99 bound for BERT


OPTIONS = (
    Option("--serving-set", "requests from 'news' (--welfake and its column options: the "
           "shared headlines or articles) or 'squad' (question + context windows of "
           "--serving-squad); default news", GROUP, {"choices": ["news", "squad"]}),
    Option("--serving-squad", "a SQuAD v2.0 dev file (official JSON or hub-layout JSON "
           "lines) for --serving-set squad and the accuracy mode", GROUP),
    Option("--latency-bound-ms", f"Server p99 bound (default {MLPERF_BOUND_MS:g}, MLPerf's "
           "for BERT)", GROUP, {"type": positive_float}),
    Option("--layouts", "STREAMSxTHREADS layouts to try, e.g. 1x2 2x1 (default: every "
           "split of --threads)", GROUP, {"nargs": "+"}),
    Option("--max-batch", "dynamic batcher: most requests per batch (default 8)", GROUP,
           {"type": positive_int}),
    Option("--max-queue-delay-ms", "dynamic batcher: longest wait for a fuller batch "
           "(default 0: take what is waiting)", GROUP, {"type": float}),
    Option("--serving-padding", "pad each batch: fixed (to the set's length), dynamic (to its "
           "longest) or bucketed (fill with the nearest lengths); default dynamic", GROUP,
           {"choices": ["fixed", "dynamic", "bucketed"]}),
    Option("--search-repeats", "Server searches of the best layout (default 1; --full 3): "
           "their spread is the ratio's interval", GROUP, {"type": positive_int}),
    Option("--cold-starts", "fresh processes timed to their first answer (default 5)", GROUP,
           {"type": positive_int}),
    Option("--serving-accuracy", "also run LoadGen's AccuracyOnly mode: the served answers "
           "scored against fp32 eager on the same rows (needs a SQuAD-fine-tuned model and "
           "--serving-squad)", GROUP, {"action": "store_true", "default": None}),
)


@dataclass(frozen=True, kw_only=True)
class ServingConfig(EfficiencyConfig):
    serving_set: str = "news"
    data: dict[str, Any] = field(default_factory=default_welfake)  # a NewsSource
    squad_file: str | None = None
    requests: int = 512  # distinct requests LoadGen draws from (its performance set)
    latency_bound_ms: float = MLPERF_BOUND_MS
    layouts: tuple[str, ...] = ()
    max_batch: int = 8
    max_queue_delay_ms: float = 0.0
    padding: str = "dynamic"
    run_lengths: str = "quick"  # "quick" (lowered, said so) or "mlperf" (MLPerf's minimums)
    search_precision: float = 0.05
    max_probes: int = 8
    search_repeats: int = 1
    cold_starts: int = 5
    accuracy: bool = False
    parity_gate: bool = True
    finetuned_dir: str | None = None
    splits_dir: str | None = None
