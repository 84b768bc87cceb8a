"""The accuracy side of the leaderboard: per-model summary columns, pairwise McNemar tests
on shared test sets, and the most confident mistakes on the sets whose suite lists them."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import pandas as pd

from bench.report import select
from bench.report.markdown_tables import markdown_table, md_text
from harness.records.metrics import SetScores
from harness.records.schema import JobResult


def evaluations(results: list[JobResult]) -> list[tuple[str, str, SetScores]]:
    """(test-set label, model, scores) for every labelled set of every ok result, from
    what each suite declares (``Suite.evaluations``)."""
    return [(e.label, model, e.scores) for model, e in select.evaluations(results)]


def set_figure(scores: SetScores) -> tuple[str, float | None]:
    """The figure that means something on a set, and its name: accuracy where the set holds
    more than one class; on a one-class set, the share of that class the model kept
    (1 − FPR on a set of negatives only, TPR on a set of positives only)."""
    present = scores.classes_present()
    positive = scores.positive_class
    if len(present) == 1 and positive is not None:
        if present[0] == positive:
            return "TPR %", None if scores.fnr is None else 1 - scores.fnr
        return "1−FPR %", None if scores.fpr is None else 1 - scores.fpr
    return "acc %", scores.accuracy


def accuracy_columns(results: list[JobResult]) -> dict[str, dict[str, float | None]]:
    """model → its summary columns (percent): each evaluation feeds the column its suite
    names. A column fed by several sets (the external ones) becomes one column per set,
    named by the set and by its figure (:func:`set_figure`): a mean over sets of different
    sizes and class mixes is no set's accuracy."""
    summarised = [(model, e) for model, e in select.evaluations(results) if e.summary_column]
    fed: dict[str, set[str]] = defaultdict(set)
    for _, e in summarised:
        fed[e.summary_column].add(e.set_name)
    columns: dict[str, dict[str, float | None]] = defaultdict(dict)
    for model, e in summarised:  # the newest result comes last and wins
        name = e.summary_column
        figure, value = set_figure(e.scores)
        if len(fed[name]) > 1 or figure != "acc %":
            name = f"{name.removesuffix(' acc %')} {e.set_name} {figure}"
        columns[model][name] = None if value is None else round(100 * value, 2)
    return columns


def mcnemar_table(results: list[JobResult]) -> pd.DataFrame:
    """Every pair of models evaluated on the very same rows (same data fingerprint)."""
    import numpy as np

    from harness.accuracy.metrics import mcnemar

    groups: dict[tuple[str, str], dict[str, SetScores]] = defaultdict(dict)
    for label, model, scores in evaluations(results):
        if scores.labels is not None:
            groups[(label, scores.fingerprint)][model] = scores
    rows = []
    for (label, fingerprint), by_model in sorted(groups.items()):
        for a, b in combinations(sorted(by_model), 2):
            ma, mb = by_model[a], by_model[b]
            truth = np.asarray(ma.labels)
            test = mcnemar(np.asarray(ma.predictions) == truth,
                           np.asarray(mb.predictions) == truth)
            rows.append({
                "test set": label, "data sha": fingerprint[:10], "model A": a, "model B": b,
                "acc A %": round(100 * ma.accuracy, 2),
                "acc B %": round(100 * mb.accuracy, 2),
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
        mistakes = e.scores.confident_mistakes or []
        out += [f"#### {md_text(model)} on {md_text(e.set_name)}: {len(mistakes)} most "
                "confident mistakes", ""]
        if not mistakes:
            out += ["_none_", ""]
            continue
        frame = pd.DataFrame(mistakes)[["id", "true", "predicted", "confidence", "excerpt"]]
        out += [markdown_table(frame), ""]
    return "\n".join(out)
