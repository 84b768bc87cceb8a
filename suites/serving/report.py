"""What the serving results show: the leaderboard table, the rate ``bench compare`` gates
on, and the QPS-versus-p99 curves. An INVALID LoadGen figure is never ranked or plotted as
valid: the Server QPS is the highest VALID probe, its curve marks the others hollow."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from harness.backends import REFERENCE, backend_of
from harness.records.roles import Curves, Rate
from harness.table import model_label, ok_results

if TYPE_CHECKING:
    import pandas as pd

    from harness.records.schema import JobResult

RATE = "server-qps"


def _bracket(server: dict[str, Any], precision: float) -> tuple[float, float] | None:
    """The lowest and highest QPS the model's searches allow: the lowest valid figure of
    its repeats, and the lowest invalid probe above the highest valid one (or the search's
    step past it, when no probe above failed)."""
    brackets = [b for b in server.get("brackets") or [] if b and b[0]]
    if not brackets:
        return None
    low = min(b[0] for b in brackets)
    high = max(b[1] if b[1] else b[0] * (1 + precision) for b in brackets)
    return low, high


def _where(r: JobResult) -> str:
    m = r.metrics
    return f"p99≤{m['latency_bound_ms']:g}ms {m['requests']['set']} {m['batching']['label']}"


def qps_ratio(r: JobResult, ref: JobResult) -> tuple[float, float, float] | str:
    """(ratio, low, high) of ``r``'s Server QPS over ``ref``'s, the interval from both
    searches' brackets and repeats; or why there is none."""
    mine, theirs = r.metrics["server"], ref.metrics["server"]
    if not theirs.get("qps"):
        return f"n/a ({ref.model.name}: none at this bound)"
    if not mine.get("qps"):
        return "n/a (none at this bound)"
    precision = r.config.get("search_precision", 0.05)
    a, b = _bracket(mine, precision), _bracket(theirs, precision)
    value = mine["qps"] / theirs["qps"]
    if a is None or b is None:
        return value, value, value
    return value, a[0] / b[1], a[1] / b[0]


def _reference(results: list[JobResult], r: JobResult) -> JobResult | None:
    from models_registry import REFERENCE_MODEL

    return next((x for x in results if x.model.name == REFERENCE_MODEL
                 and backend_of(x) == backend_of(r) and _where(x) == _where(r)), None)


def serving_table(results: list[JobResult]) -> pd.DataFrame:
    import pandas as pd

    from models_registry import REFERENCE_MODEL

    rows = []
    ok = ok_results(results)
    for r in ok:
        m = r.metrics
        server, single, offline = m["server"], m["single_stream"], m["offline"]
        bound = m["latency_bound_ms"]
        best = next((p for p in reversed(server.get("curve") or [])
                     if p.get("valid") and p.get("qps") == server.get("qps")), {})
        row: dict[str, Any] = {
            "model": model_label(r), "backend": backend_of(r),
            "requests": f"{m['requests']['set']} (p50 {m['requests']['lengths']['p50']} tok)",
            "SingleStream p90 ms": single["latency_ms"].get("p90"),
            f"Server QPS p99≤{bound:g}ms": (round(server["qps"], 1) if server.get("qps")
                                            else "none at this bound"),
            "layout": server.get("layout") or "",
            "× vs 1-stream layout": server.get("margin_vs_single_stream"),
        }
        ref = _reference(ok, r)
        ratio = qps_ratio(r, ref) if ref is not None else None
        row[f"× QPS vs {REFERENCE_MODEL}"] = (
            ratio if isinstance(ratio, str) or ratio is None
            else f"{ratio[0]:.2f} ({ratio[1]:.2f}–{ratio[2]:.2f})")
        row["Offline samples/s"] = (round(offline["samples_per_s"], 1)
                                    if offline.get("samples_per_s") else None)
        row["mean batch"] = best.get("mean_batch")
        row["pad %"] = (round(100 * best["pad_fraction"], 1)
                        if best.get("pad_fraction") is not None else None)
        cold = (m.get("cold_start") or {}).get("median") or {}
        row["cold start s"] = cold.get("total_s")
        row["imports / weights / convert / 1st call s"] = (
            " / ".join(f"{cold[f'{p}_s']:.2f}" for p in
                       ("imports", "weights", "convert", "first_call"))
            if cold else None)
        if acc := m.get("accuracy"):
            row["served F1 / fp32 %"] = acc.get("kept_pct")
        flags = []
        if server.get("none"):
            flags.append(server["none"])
        if (m.get("machine") or {}).get("disturbed"):
            flags.append("disturbed")
        if not m["run_lengths"].get("mlperf_minimums"):
            flags.append("quick LoadGen minimums")
        if acc and acc.get("below_99pct"):
            flags.append("accuracy < 99% of fp32: not ranked")
        row["notes"] = "; ".join(flags)
        rows.append(row)
    return pd.DataFrame(rows)


def rates(r: JobResult) -> list[Rate]:
    server = r.metrics["server"]
    acc = r.metrics.get("accuracy") or {}
    if not server.get("qps") or acc.get("below_99pct"):
        return []
    precision = r.config.get("search_precision", 0.05)
    bracket = _bracket(server, precision)
    width = 100 * (bracket[1] / bracket[0] - 1) if bracket else 100 * precision
    return [Rate(RATE, _where(r), "QPS", float(server["qps"]), round(width, 3))]


def curves(results: list[JobResult]) -> list[Curves]:
    """p99 against the offered Poisson rate, one figure per (bound, request set)."""
    groups: dict[tuple[float, str], dict[str, list]] = defaultdict(dict)
    for r in ok_results(results):
        m = r.metrics
        points = [(p["qps"], p["p99_ms"], bool(p["valid"]))
                  for p in m["server"].get("curve") or [] if p.get("p99_ms") is not None]
        if not points:
            continue
        name = r.model.name if backend_of(r) == REFERENCE else f"{r.model.name}/{backend_of(r)}"
        groups[(m["latency_bound_ms"], m["requests"]["set"])][name] = points
    return [Curves(slug=f"serving-p99-vs-qps-{requests}-{bound:g}ms",
                   title=f"Server p99 vs offered QPS ({requests} requests, best layout)",
                   x_label="offered QPS (Poisson)", y_label="p99 latency (ms)",
                   series=series, y_line=bound, y_line_label=f"p99 bound {bound:g} ms")
            for (bound, requests), series in sorted(groups.items())]
