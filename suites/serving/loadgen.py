"""One MLPerf LoadGen test against a system under test, read back from LoadGen's own logs.

LoadGen decides when queries are issued, how long the test runs, and whether the result is
VALID (minimum duration, minimum queries, early stopping, the latency constraint); this
module only sets it up and reads its detail log (``mlperf_log_detail.txt``), whose
``result_*`` entries are the figures LoadGen's summary prints.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCENARIOS = ("SingleStream", "Server", "Offline")
# What decides a LoadGen result's validity, as the detail log names each part.
VALIDITY_KEYS = {"min duration": "result_min_duration_met",
                 "min queries": "result_min_queries_met",
                 "latency constraint": "result_perf_constraints_met",
                 "early stopping": "early_stopping_met"}
PERCENTILES = ("50.00", "90.00", "95.00", "97.00", "99.00", "99.90")
# Detail-log entries kept with a result: LoadGen's own statement of what ran and how it went
# (the build's per-file hashes are long and say no more than its version and commit).
DROPPED_DETAIL_KEYS = frozenset({"loadgen_file_sha1", "loadgen_git_log_message"})


class LoadgenMissing(RuntimeError):
    pass


def require_loadgen() -> Any:
    try:
        import mlperf_loadgen
    except ImportError:
        raise LoadgenMissing(
            "the serving suite drives MLPerf LoadGen (PyPI mlcommons-loadgen), which is not "
            "installed: pip install -c constraints.txt -e '.[serving]'") from None
    return mlperf_loadgen


@dataclass(frozen=True)
class RunPlan:
    """What LoadGen is asked for. ``min_*`` None: LoadGen's own MLPerf defaults."""

    scenario: str
    min_duration_ms: int | None = None
    min_query_count: int | None = None
    max_duration_ms: int | None = None
    target_qps: float | None = None  # Server: the Poisson arrival rate
    latency_bound_ms: float | None = None  # Server: the p99 bound
    expected_qps: float | None = None  # Offline: LoadGen sizes its one query by this
    accuracy: bool = False  # AccuracyOnly: every sample once, no timing verdict
    seed: int = 0

    def settings(self, lg: Any) -> Any:
        s = lg.TestSettings()
        s.scenario = getattr(lg.TestScenario, self.scenario)
        s.mode = lg.TestMode.AccuracyOnly if self.accuracy else lg.TestMode.PerformanceOnly
        if self.min_duration_ms is not None:
            s.min_duration_ms = int(self.min_duration_ms)
        if self.min_query_count is not None:
            s.min_query_count = int(self.min_query_count)
        if self.max_duration_ms is not None:
            s.max_duration_ms = int(self.max_duration_ms)
        if self.scenario == "Server":
            s.server_target_qps = float(self.target_qps or 1.0)
            s.server_target_latency_ns = int((self.latency_bound_ms or 130.0) * 1e6)
            s.server_target_latency_percentile = 0.99
        if self.expected_qps and self.scenario == "Offline":
            s.offline_expected_qps = float(self.expected_qps)
        for name in ("qsl_rng_seed", "sample_index_rng_seed", "schedule_rng_seed"):
            setattr(s, name, int(self.seed))
        return s


@dataclass
class RunResult:
    """A LoadGen test as its logs state it; latencies in ms."""

    scenario: str
    mode: str
    valid: bool
    validity: dict[str, bool]  # each part of LoadGen's verdict
    invalid_reason: str
    early_stopping: str
    target_qps: float | None
    scheduled_qps: float | None
    completed_qps: float | None  # samples completed per second
    query_count: int
    overlatency_count: int | None
    latency_ms: dict[str, float]  # "p50", "p90", …, "mean", "min", "max"
    duration_ms: float | None
    summary: str = field(repr=False, default="")  # mlperf_log_summary.txt, verbatim
    detail: dict[str, Any] = field(repr=False, default_factory=dict)  # key → value

    def to_dict(self, logs: bool = False) -> dict[str, Any]:
        out = asdict(self)
        if not logs:
            out.pop("summary"), out.pop("detail")
        return out


def read_detail(path: Path) -> dict[str, Any]:
    """``:::MLLOG {json}`` lines → {key: value} (a repeated key keeps its last value)."""
    events: dict[str, Any] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        _, marker, payload = line.partition(":::MLLOG ")
        if not marker:
            continue
        try:
            event = json.loads(payload)
        except json.JSONDecodeError:
            continue
        events[event.get("key", "")] = event.get("value")
    return events


def parse_logs(directory: Path, scenario: str, accuracy: bool) -> RunResult:
    detail = read_detail(directory / "mlperf_log_detail.txt")
    summary_path = directory / "mlperf_log_summary.txt"
    summary = summary_path.read_text(encoding="utf-8", errors="replace") \
        if summary_path.is_file() else ""

    def num(key: str) -> float | None:
        value = detail.get(key)
        return float(value) if isinstance(value, (int, float)) else None

    latency = {f"p{p.rstrip('0').rstrip('.').replace('.', '_')}":
               round(v / 1e6, 3) for p in PERCENTILES
               if (v := num(f"result_{p}_percentile_latency_ns")) is not None}
    for name in ("mean", "min", "max"):
        if (v := num(f"result_{name}_latency_ns")) is not None:
            latency[name] = round(v / 1e6, 3)
    validity = {label: bool(detail[key]) for label, key in VALIDITY_KEYS.items()
                if key in detail}
    valid = (detail.get("result_validity") == "VALID") and not accuracy
    completed = num("result_completed_samples_per_sec") or num("result_samples_per_second")
    count = detail.get("result_query_count") or detail.get("generated_query_count") or 0
    return RunResult(
        scenario=scenario, mode="AccuracyOnly" if accuracy else "PerformanceOnly",
        valid=valid, validity=validity,
        invalid_reason=str(detail.get("result_invalid_reason") or ""),
        early_stopping=" ".join(str(detail.get("early_stopping_result") or "").split()),
        target_qps=num("effective_target_qps"),
        scheduled_qps=num("result_scheduled_samples_per_sec"), completed_qps=completed,
        query_count=int(count),
        overlatency_count=(int(v) if (v := num("result_overlatency_query_count")) is not None
                           else None),
        latency_ms=latency, duration_ms=num("effective_target_duration_ms"),
        summary=summary,
        detail={k: v for k, v in detail.items() if k not in DROPPED_DETAIL_KEYS},
    )


def run_test(plan: RunPlan, issue: Callable[[list[Any]], None], total_samples: int,
             performance_samples: int, name: str = "encoder") -> RunResult:
    """Run one LoadGen test; ``issue`` gets LoadGen's query samples (``.id``, ``.index``)
    and must answer each with :func:`complete`. Logs go to a scratch folder and come back in
    the result."""
    lg = require_loadgen()
    sut = lg.ConstructSUT(issue, lambda: None)
    qsl = lg.ConstructQSL(total_samples, min(performance_samples, total_samples),
                          lambda indices: None, lambda indices: None)
    try:
        with tempfile.TemporaryDirectory(prefix=f"loadgen-{name}-") as tmp:
            log = lg.LogSettings()
            log.log_output.outdir = tmp
            log.log_output.copy_summary_to_stdout = False
            log.enable_trace = False
            lg.StartTestWithLogSettings(sut, qsl, plan.settings(lg), log, "")
            return parse_logs(Path(tmp), plan.scenario, plan.accuracy)
    finally:
        lg.DestroyQSL(qsl)
        lg.DestroySUT(sut)


def complete(query_ids: list[int]) -> None:
    """Tell LoadGen these queries are answered (no response payload: responses the accuracy
    mode scores are kept by the system under test itself)."""
    lg = require_loadgen()
    lg.QuerySamplesComplete([lg.QuerySampleResponse(q, 0, 0) for q in query_ids])
