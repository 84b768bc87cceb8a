"""The accuracy side of the leaderboard: per-model summary columns, pairwise McNemar tests
on shared test sets, and the most confident mistakes on the sets whose suite lists them."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

import pandas as pd

from bench.report import select
from bench.report.markdown_tables import markdown_table
from suites.records.schema import JobResult


def evaluations(results: list[JobResult]) -> list[tuple[str, str, dict[str, Any]]]:
    """(test-set label, model, metrics) for every labelled set of every ok result, from
    what each suite declares (``Suite.evaluations``)."""
    return [(e.label, model, e.metrics) for model, e in select.evaluations(results)]


def accuracy_columns(results: list[JobResult]) -> dict[str, dict[str, float | None]]:
    """model → its summary columns (percent): each evaluation feeds the column its suite
    names; a column fed by several sets (the external ones) holds their mean."""
    fed: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for model, e in select.evaluations(results):
        if e.summary_column:
            fed[(model, e.summary_column)][e.label] = e.metrics["accuracy"]  # newest wins
    columns: dict[str, dict[str, float | None]] = defaultdict(dict)
    for (model, column), by_set in fed.items():
        values = list(by_set.values())
        columns[model][column] = round(100 * sum(values) / len(values), 2)
    return columns


def mcnemar_table(results: list[JobResult]) -> pd.DataFrame:
    """Every pair of models evaluated on the very same rows (same data fingerprint)."""
    import numpy as np

    from suites.accuracy.metrics import mcnemar

    groups: dict[tuple[str, str], dict[str, dict]] = defaultdict(dict)
    for label, model, metrics in evaluations(results):
        if "labels" in metrics:
            groups[(label, metrics["data"]["fingerprint"])][model] = metrics
    rows = []
    for (label, fingerprint), by_model in sorted(groups.items()):
        for a, b in combinations(sorted(by_model), 2):
            ma, mb = by_model[a], by_model[b]
            truth = np.asarray(ma["labels"])
            test = mcnemar(np.asarray(ma["predictions"]) == truth,
                           np.asarray(mb["predictions"]) == truth)
            rows.append({
                "test set": label, "data sha": fingerprint[:10], "model A": a, "model B": b,
                "acc A %": round(100 * ma["accuracy"], 2),
                "acc B %": round(100 * mb["accuracy"], 2),
                "only A right": test["only_a_correct"], "only B right": test["only_b_correct"],
                "p (exact McNemar)": float(f"{test['p_value']:.3g}"),
                "differ at 5%": "yes" if test["p_value"] < 0.05 else "no",
            })
    return pd.DataFrame(rows)


def error_analysis(results: list[JobResult]) -> str:
    """Markdown: per model and set whose suite lists them, the mistakes it was surest of."""
    out = []
    listed = [(model, e) for model, e in select.evaluations(results) if e.lists_mistakes]
    for model, e in sorted(listed, key=lambda me: (me[0], me[1].set_name)):
        mistakes = e.metrics.get("confident_mistakes") or []
        out += [f"#### {model} on {e.set_name}: {len(mistakes)} most confident mistakes", ""]
        if not mistakes:
            out += ["_none_", ""]
            continue
        frame = pd.DataFrame(mistakes)[["id", "true", "predicted", "confidence", "excerpt"]]
        out += [markdown_table(frame), ""]
    return "\n".join(out)
