"""``bench publish``: everything under ``results/`` that is derived from the stored runs.

The same runs always publish byte-identical files: no wall-clock time is written (dates come
from the runs' own ``finished_at``), rows and keys are sorted, numbers are rounded where
they are made, and figures are deterministic PNGs (``bench/report/plots.py``).
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.report.filters import facets
from bench.report.html_page import render_html
from bench.report.leaderboard import latest_per_job, load_all, sections, write_leaderboard
from bench.report.markdown_tables import markdown_table, md_text
from bench.report.noise import noise_floor
from bench.report.plots import published_plots
from bench.report.summary import summary_table
from bench.report.verdicts import assess_all, verdict_table, write_verdicts
from bench.run.store import SCRATCH_DIR, exclusive_file_lock
from harness.environment import describe_hardware
from harness.records.atomic import atomic_write_text
from harness.records.paths import safe_name
from harness.records.schema import JobResult

SUMMARY_SCHEMA = "compact-encoder-bench/summary/1"
# Two runs finishing together publish one after the other. The lock lives in the scratch
# folder: it records its holder, and the published tree must stay byte-identical.
PUBLISH_LOCK = Path(SCRATCH_DIR) / "publish.lock"


@dataclass
class Published:
    leaderboard: Path
    pages: list[Path]  # one detail page per hardware section
    plots: list[Path]
    verdicts: list[Path]
    summary_csv: Path
    summary_json: Path
    html: Path

    def paths(self) -> list[Path]:
        return [self.leaderboard, *self.pages, *self.plots, *self.verdicts, self.summary_csv,
                self.summary_json, self.html]


def _plain(value: Any) -> Any:
    """NaN → None, numpy scalars → Python: what JSON and CSV readers expect."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _section_record(key: str, results: list[JobResult], current: list[JobResult]
                    ) -> dict[str, Any]:
    first = results[0]
    frame = summary_table(results, counted=current)
    return {
        "section": key,
        "hardware_fingerprint": first.hardware_fingerprint,
        "threads": first.config.get("threads"),
        "hardware": describe_hardware(first.environment.__dict__),
        "packages": dict(sorted(first.environment.packages.items())),
        "runs": sorted({r.run_id for r in results}),
        "git_shas": sorted({r.git.sha or "unknown" for r in results}),
        "finished_at": max(r.finished_at for r in results),
        "jobs": {"ok": sum(r.status == "ok" for r in results),
                 "failed": sum(r.status != "ok" for r in results)},
        "rows": [{k: _plain(v) for k, v in row.items()}
                 for row in frame.to_dict(orient="records")],
        "noise_floor": noise_floor(results),
    }


def summary(results: list[JobResult]) -> dict[str, Any]:
    """The leaderboard's summary tables, one per hardware section, machine-readable."""
    current = latest_per_job(results)
    return {"schema": SUMMARY_SCHEMA,
            "sections": [_section_record(k, rs, current) for k, rs in sections(results).items()]}


def summary_csv(record: dict[str, Any]) -> str:
    """One row per (section, model); columns are the union over sections, in first-seen order."""
    import pandas as pd

    rows = [{"section": s["section"], "hardware_fingerprint": s["hardware_fingerprint"],
             "threads": s["threads"], **row}
            for s in record["sections"] for row in s["rows"]]
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def publish(results_root: Path) -> Published:
    """Leaderboard (markdown and HTML), plots, verdicts and the summary (CSV + JSON) from
    every stored run."""
    root = Path(results_root)
    (root / PUBLISH_LOCK).parent.mkdir(parents=True, exist_ok=True)
    with exclusive_file_lock(root / PUBLISH_LOCK, f"the published files in {root}"):
        return _publish(root)


def _publish(root: Path) -> Published:
    results = load_all(root)  # read once: every result file, samples included
    written = write_leaderboard(root, results=results)
    assessed = assess_all(results)  # each claim judged once: verdict files and the page
    verdicts = write_verdicts(root, assessed=assessed)
    record = summary(results)
    csv_path, json_path = root / "summary.csv", root / "summary.json"
    atomic_write_text(csv_path, summary_csv(record))
    atomic_write_text(json_path, json.dumps(record, indent=2, sort_keys=True,
                                            ensure_ascii=False) + "\n")
    html_path = root / "index.html"  # beside leaderboard.md: the same relative plot paths
    claims = verdict_table(assessed)
    if not claims.empty:  # each claim links to its full record (claim ids are the registry's)
        claims["claim"] = [f"[{md_text(c)}](verdicts/{safe_name(c)}.json)"
                           for c in claims["claim"]]
    atomic_write_text(html_path, render_html(
        written.board, markdown_table(claims, markdown_columns=("claim",)),
        facets(latest_per_job(results))))
    plots = published_plots(root / "plots")
    return Published(written.path, written.pages, plots, verdicts, csv_path, json_path,
                     html_path)
