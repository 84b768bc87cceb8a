"""Leaderboard tables of the accuracy suites: one row per model (and per set)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.table import ok_results

if TYPE_CHECKING:
    import pandas as pd

    from harness.records.schema import JobResult


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 2)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _ci(metrics: dict[str, Any], key: str = "accuracy") -> str:
    low, high = metrics["ci95"][key]
    return f"{100 * low:.1f}–{100 * high:.1f}"


def _defined(metrics: dict[str, Any], key: str) -> float | str:
    """The figure, or "n/a" and why: on a one-class set MCC and the AUCs compare nothing."""
    if metrics.get(key) is not None:
        return round(metrics[key], 4)
    from harness.accuracy.metrics import classes_present

    return "n/a: one class in the set" if len(classes_present(metrics)) == 1 else "n/a"


def metric_row(metrics: dict[str, Any]) -> dict[str, Any]:
    row = {
        "n": metrics["n"],
        "accuracy %": _pct(metrics["accuracy"]),
        "95% CI": _ci(metrics),
        "F1 weighted %": _pct(metrics["f1_weighted"]),
    }
    if "fpr" in metrics:
        row["FPR %"], row["FNR %"] = _pct(metrics["fpr"]), _pct(metrics["fnr"])
    if "mcc" in metrics:  # detection metrics (results from before them have none)
        row["ROC-AUC"] = _defined(metrics, "roc_auc")
        row["PR-AUC"] = _defined(metrics, "pr_auc")
        row["MCC"] = _defined(metrics, "mcc")
        row["bal. acc %"] = _pct(metrics["balanced_accuracy"])
    for name, point in (metrics.get("operating_points") or {}).items():
        # at the threshold that kept the false-positive rate at `name` on validation
        row[f"recall @val FPR {name} %"] = _pct(point["recall"])
        row[f"FPR @val FPR {name} %"] = _pct(point["fpr"])
    row["ECE"] = round(metrics["ece"], 4)
    row["data sha"] = metrics["data"]["fingerprint"][:10]
    return row


def _model(result: JobResult) -> str:
    return result.model.name


def news_rows(results: list[JobResult], key: str, title: str) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for r in ok_results(results):
        budget = r.metrics.get("budget", {})
        training = r.metrics.get("training", {})
        rows.append({
            "model": _model(r), **metric_row(r.metrics[key]),
            "train rows": r.metrics["data"]["train"]["rows"],
            "epochs": (training.get("hparams") or {}).get("epochs", "n/a"),
            "max len": budget.get("max_length") or (training.get("hparams") or {}).get(
                "max_length", "n/a"),
            "train s": training.get("train_seconds"),
        })
    return pd.DataFrame(rows).sort_values("model", kind="stable") if rows else pd.DataFrame()


def external_rows(results: list[JobResult]) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for r in ok_results(results):
        for name, metrics in sorted(r.metrics["sets"].items()):
            gap = metrics.get("generalization_gap")
            rows.append({"model": _model(r), "set": name, **metric_row(metrics),
                         "gap (in-domain − external, pts)": None if gap is None
                         else round(100 * gap, 2)})
    return pd.DataFrame(rows).sort_values(["set", "model"], kind="stable") if rows \
        else pd.DataFrame()


def mnli_rows(results: list[JobResult]) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for r in ok_results(results):
        splits = r.metrics["splits"]
        m, mm = splits["validation_matched"], splits["validation_mismatched"]
        origin = r.metrics["checkpoint_origin"]
        rows.append({
            "model": _model(r),
            "checkpoint": origin + (" (plain fine-tune, not the paper's protocol)"
                                    if origin == "fine-tuned-here" else ""),
            "slice": r.metrics["protocol"],
            "MNLI-m %": _pct(m["accuracy"]), "MNLI-m 95% CI": _ci(m), "n m": m["n"],
            "MNLI-mm %": _pct(mm["accuracy"]), "MNLI-mm 95% CI": _ci(mm), "n mm": mm["n"],
            "labels by": r.metrics["label_mapping"]["decided_by"],
        })
    return pd.DataFrame(rows).sort_values("model", kind="stable") if rows else pd.DataFrame()
