"""The SQuAD leaderboard table: EM and F1 beside the cost of answering one question."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.table import model_label, ok_results

if TYPE_CHECKING:
    import pandas as pd

    from harness.records.schema import JobResult


def _ci(block: dict, metric: str) -> str | None:
    ci = block.get("ci95", {}).get(metric)
    return f"{ci[0]:.1f}–{ci[1]:.1f}" if ci else None


def squad_rows(results: list[JobResult]) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for r in ok_results(results):
        for version, record in sorted(r.metrics["versions"].items()):
            if record.get("status") != "ok":
                rows.append({"model": model_label(r), "SQuAD": f"v{version}",
                             "checkpoint": f"{record.get('status')}: {record.get('reason')}"})
                continue
            zero = record["scores"]["threshold_0"]
            best = record["scores"].get("best_threshold", {})
            origin = record["checkpoint"]
            rows.append({
                "model": model_label(r), "SQuAD": f"v{version}",
                "checkpoint": origin + (" (plain fine-tune, not the paper's protocol)"
                                        if origin == "fine-tuned-here" else ""),
                "n": zero["n"], "slice": r.metrics["protocol"],
                "EM": zero["exact"], "EM 95% CI": _ci(zero, "exact"),
                "F1": zero["f1"], "F1 95% CI": _ci(zero, "f1"),
                "HasAns F1": zero.get("has_ans", {}).get("f1"),
                "NoAns F1": zero.get("no_ans", {}).get("f1"),
                "best-threshold EM": best.get("exact"), "best-threshold F1": best.get("f1"),
                "p50 ms / question": record["latency"]["p50_ms_per_question"],
                "windows / question": record["latency"]["windows_per_question"],
            })
    return pd.DataFrame(rows).sort_values(["SQuAD", "model"], kind="stable") if rows \
        else pd.DataFrame()
