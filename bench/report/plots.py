"""Which figures a hardware section's results support, and writing them under
``results/plots/<section>/`` (the figures themselves: ``bench.report.figures``).

Deterministic on purpose: see ``bench.report.figures``; a figure no longer produced is
deleted, so the folder holds exactly what the leaderboard embeds.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from bench.report import select
from bench.report.accuracy import evaluations
from bench.report.backends import gated_points, reference_points
from bench.report.figures import (
    PALETTE,
    ConfusionMatrix,
    CurvesFigure,
    LatencyCurves,
    MemoryCurves,
    Plot,
)
from bench.report.managed import listed, sync, write_if_changed
from bench.report.pareto import (
    ACCURACY_LATENCY_POINT,
    THROUGHPUT_POINT,
    AccuracyCost,
    AccuracyVsLatency,
    BackendCost,
    ThroughputVsLatency,
)
from harness.backends import REFERENCE
from harness.records.paths import inside
from harness.records.roles import LATENCY, MEMORY
from harness.records.schema import JobResult


def _spread(point: dict) -> tuple[float, float]:
    samples = point.get("samples_ms")
    if samples:
        low, high = np.percentile(samples, [10, 90])
        return float(low), float(high)
    return point["min_ms"], point["p90_ms"]


def _parameters(results: list[JobResult]) -> dict[str, int]:
    counted = {m: a.parameters for m, (_, a) in select.architectures(results).items()}
    declared = {r.model.name: r.model.declared_parameters for r in results
                if r.model.declared_parameters}
    return {**declared, **counted}


def _context(results: list[JobResult]) -> str:
    """Which machine and runtime, in a plot title: a figure is often seen on its own."""
    if not results:
        return ""
    first = results[0]
    return (f"{first.environment.cpu_model}, {first.config.get('threads')} threads, "
            f"{REFERENCE} fp32")


def section_plots(results: list[JobResult]) -> list[Plot]:
    """Every figure one hardware section's results support, in a fixed order."""
    models = sorted({r.model.name for r in results})
    colours = {m: PALETTE[i % len(PALETTE)] for i, m in enumerate(models)}
    context = _context(results)
    plots: list[Plot] = []

    latency = reference_points(results, LATENCY)
    for seq in sorted({s for pts in latency.values() for _, s in pts}):
        series = {m: [(b, p["p50_ms"], *_spread(p)) for (b, s), p in pts.items() if s == seq]
                  for m, pts in latency.items()}
        series = {m: v for m, v in series.items() if v}
        if any(len(v) >= 2 for v in series.values()):
            plots.append(LatencyCurves(colours, seq_len=seq, context=context, series=series))

    memory = reference_points(results, MEMORY)
    for batch in sorted({b for pts in memory.values() for b, _ in pts}):
        series = {m: [(s, p["peak_forward_mib"]) for (b, s), p in pts.items() if b == batch]
                  for m, pts in memory.items()}
        series = {m: v for m, v in series.items() if v}
        if any(len(v) >= 2 for v in series.values()):
            plots.append(MemoryCurves(colours, batch_size=batch, context=context,
                                      series=series))

    parameters = _parameters(results)
    by_set: dict[str, list[AccuracyCost]] = defaultdict(list)
    confusions: list[Plot] = []
    for label, model, scores in sorted(evaluations(results), key=lambda e: (e[0], e[1])):
        cm = scores.confusion_matrix
        if cm:
            confusions.append(ConfusionMatrix(colours, model=model, test_set=label,
                                              labels=list(cm["labels"]),
                                              counts=cm["rows_true_cols_pred"]))
        point = latency.get(model, {}).get(ACCURACY_LATENCY_POINT)
        if point:
            ci = (scores.ci95 or {}).get("accuracy")
            by_set[label].append(AccuracyCost(
                model, point["p50_ms"], 100 * scores.accuracy,
                (100 * ci[0], 100 * ci[1]) if ci else None, parameters.get(model)))
    for label, points in sorted(by_set.items()):
        if len(points) >= 2:
            plots.append(AccuracyVsLatency(colours, test_set=label, context=context,
                                           points=points))
    costs = [BackendCost(model, backend, precision, found[ACCURACY_LATENCY_POINT]["p50_ms"],
                         found[THROUGHPUT_POINT]["samples_per_s"])
             for model, backend, precision, found
             in gated_points(results, ACCURACY_LATENCY_POINT, THROUGHPUT_POINT)]
    if len(costs) >= 2:
        plots.append(ThroughputVsLatency(colours, context=context, points=costs))
    for declared in select.curves(results):
        plots.append(CurvesFigure({**colours, **_extra_colours(declared, colours)},
                                  curves=declared, context=context))
    return plots + confusions


def headline(plots: list[Plot]) -> Plot | None:
    """The one figure a section opens with: accuracy against latency where accuracy was
    measured (the first test set), else throughput against latency over the backends."""
    return next((p for p in plots if isinstance(p, AccuracyVsLatency)),
                next((p for p in plots if isinstance(p, ThroughputVsLatency)), None))


def _extra_colours(curves, colours: dict[str, str]) -> dict[str, str]:
    """Colours for series named other than by a model (model/backend): the model's own."""
    return {name: colours.get(name.split("/")[0], PALETTE[0]) for name in curves.series
            if name not in colours}


MANIFEST_SCHEMA = "compact-encoder-bench/plots-manifest/1"


def published_plots(plots_dir: Path) -> list[Path]:
    """The figures the last publish made (its manifest); none when there is no manifest."""
    return listed(plots_dir, MANIFEST_SCHEMA)


def write_plots(sections: dict[str, list[JobResult]], plots_dir: Path) -> dict[str, list[Plot]]:
    """Every section's figures under ``plots_dir/<section>/``, listed in ``plots_dir/
    manifest.json`` (``bench.report.managed``: a figure no longer produced is removed,
    nothing else is touched, and unchanged bytes are not rewritten)."""
    made: dict[str, list[Plot]] = {}
    keep: set[Path] = set()
    for key, results in sorted(sections.items()):
        made[key] = section_plots(results)
        for plot in made[key]:
            path = inside(plots_dir, plots_dir / key / plot.filename)
            write_if_changed(path, plot.png())
            keep.add(path)
    sync(plots_dir, MANIFEST_SCHEMA, keep, ".png")
    return made
