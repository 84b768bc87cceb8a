"""The accuracy side of the leaderboard: per-model summary columns, pairwise McNemar tests
on shared test sets, and the external sets' most confident mistakes."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

import pandas as pd

from suites.records.schema import JobResult


def evaluations(results: list[JobResult]) -> list[tuple[str, str, dict[str, Any]]]:
    """(test-set label, model, metrics) for every evaluated split of every ok accuracy job."""
    out = []
    for r in results:
        if r.status != "ok":
            continue
        if r.suite == "welfake":
            out.append(("in-domain test", r.model.name, r.metrics["test"]))
        elif r.suite == "external":
            out += [(f"external: {name}", r.model.name, m) for name, m in r.metrics["sets"].items()]
        elif r.suite == "mnli-proxy":
            out += [(f"MNLI {split}", r.model.name, m) for split, m in r.metrics["splits"].items()]
    return out


def accuracy_columns(results: list[JobResult]) -> dict[str, dict[str, float | None]]:
    """model → in-domain, mean external, MNLI-m/mm accuracy (percent)."""
    columns: dict[str, dict[str, float | None]] = defaultdict(dict)
    external: dict[str, list[float]] = defaultdict(list)
    for label, model, metrics in evaluations(results):
        value = round(100 * metrics["accuracy"], 2)
        if label == "in-domain test":
            columns[model]["in-domain acc %"] = value
        elif label.startswith("external: "):
            external[model].append(metrics["accuracy"])
        elif label == "MNLI validation_matched":
            columns[model]["MNLI-m %"] = value
        elif label == "MNLI validation_mismatched":
            columns[model]["MNLI-mm %"] = value
    for model, values in external.items():
        columns[model]["external acc %"] = round(100 * sum(values) / len(values), 2)
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
    """Markdown: per model and external set, the mistakes it was surest of."""
    out = []
    for r in sorted(results, key=lambda r: r.model.name):
        if r.status != "ok" or r.suite != "external":
            continue
        for name, metrics in sorted(r.metrics["sets"].items()):
            mistakes = metrics.get("confident_mistakes") or []
            out += [f"#### {r.model.name} on {name}: {len(mistakes)} most confident mistakes",
                    ""]
            if not mistakes:
                out += ["_none_", ""]
                continue
            frame = pd.DataFrame(mistakes)[["id", "true", "predicted", "confidence", "excerpt"]]
            frame["excerpt"] = frame["excerpt"].str.replace("|", "\\|", regex=False)
            out += [frame.to_markdown(index=False), ""]
    return "\n".join(out)
