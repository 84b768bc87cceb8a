"""One hardware section of the leaderboard, in two depths: the head the leaderboard shows
(provenance, the compact table, one Pareto figure, a link down) and the detail page with
every table and figure (``results/sections/<section>.md``).

Both are made once from the section's results; only the links differ between the markdown
files and the HTML page, so they are filled in when a text is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.report import select
from bench.report.accuracy import error_analysis, mcnemar_table
from bench.report.backends import (
    BACKEND_POINT,
    accuracy_delta_table,
    backend_table,
    machine_peak_line,
)
from bench.report.figures import Plot
from bench.report.markdown_tables import markdown_table, md_code, md_text
from bench.report.noise import ratio_notes, with_ci
from bench.report.plots import headline
from bench.report.summary import DISTURBED_COLUMN, compact_table, rate_cells, summary_table
from bench.report.threads import threads_note, threads_table
from harness.backends import REFERENCE as REFERENCE_BACKEND
from harness.backends import backend_of
from harness.environment import describe_hardware
from harness.records.roles import LATENCY
from harness.records.schema import JobResult
from models_registry import REFERENCE_MODEL
from suites import SUITES

CI_LEGEND = (f"`×`: how many times faster, 95% CI in brackets. `× vs {REFERENCE_MODEL}`: "
             "than the reference model on the same backend; `best ×`: the fastest backend "
             "that passed its parity gate, than the same model in fp32 eager. How each is "
             "formed, and the noise floor: the full tables.")


def on_ray(results: list[JobResult]) -> str:
    """Which of a section's runs ran on a Ray cluster: its node's own processes share the
    cores, so their absolute latencies read a few % above a local run's."""
    runs = sorted({r.run_id for r in results if r.executor and r.executor.kind == "ray"})
    return (f"; on a Ray cluster: {md_text(', '.join(runs))} (the node's Ray processes "
            "share its cores: absolute latencies read a few % above a local run's, "
            "docs/cluster.md)") if runs else ""


def provenance(results: list[JobResult]) -> list[str]:
    """The CPU, software and runs a section's figures come from."""
    env = results[0].environment
    runtime = next((r.runtime for r in select.measuring(results, LATENCY) if r.runtime
                    and backend_of(r) == REFERENCE_BACKEND), {})
    runs = sorted({r.run_id for r in results})
    shas = sorted({r.git.label for r in results})
    return [
        f"- CPU: {md_text(describe_hardware(env.__dict__))}",
        "- Software: " + md_text(
            f"Python {env.python}, torch {env.packages.get('torch')}, "
            f"transformers {env.packages.get('transformers')}; backend "
            f"{runtime.get('backend', 'n/a')}, {runtime.get('dtype', 'n/a')}, attention "
            f"{runtime.get('attn_implementation', 'n/a')}, intra/inter-op threads "
            f"{runtime.get('intra_op_threads', 'n/a')}/"
            f"{runtime.get('inter_op_threads', 'n/a')}"),
        f"- Runs: {md_text(', '.join(runs))}; code {md_text(', '.join(shas))}; finished "
        f"{md_text(max(r.finished_at for r in results))}{on_ray(results)}",
    ]


def _figure(plot: Plot, key: str, plots_href: str) -> list[str]:
    return [f"![{md_text(plot.alt)}]({plots_href}/{key}/{plot.filename})", ""]


@dataclass
class Section:
    """One hardware fingerprint at one thread count, rendered once."""

    key: str
    fingerprint: str
    threads: object
    title: str
    lines: list[str]  # provenance
    compact: list[str]  # the compact table and the lines under it
    figures: list[Plot] = field(default_factory=list)
    full: list[str] = field(default_factory=list)  # detail tables before the figures
    tables: list[str] = field(default_factory=list)  # detail tables after them
    failed: int = 0
    flops_note: str | None = None  # how the section's FLOPs were counted

    def head(self, detail_href: str, plots_href: str) -> str:
        """The leaderboard's part: provenance, the answer, one figure, the way down."""
        lead = headline(self.figures)
        out = [f"## {self.title}", "", *self.lines, "", *self.compact]
        out += _figure(lead, self.key, plots_href) if lead else [
            "_No Pareto figure here: it needs p50 at batch 1 × 128 tokens beside an "
            "accuracy for two models, or two model × backend points timed at batch 1 and "
            "8 × 128 tokens._", ""]
        more = f"; **{self.failed} failed job(s)** listed there" if self.failed else ""
        out += [f"Full tables (every suite and backend, threads, noise floor, all "
                f"{len(self.figures)} figures{more}): [{md_text(self.key)}]({detail_href})",
                ""]
        return "\n".join(out)

    def detail(self, plots_href: str, provenance: bool = True) -> str:
        """The detail page's body: every table and figure the section's results support
        (``provenance``: its CPU, software and runs first, for a page read on its own)."""
        out = [*(self.lines if provenance else []), *self.full]
        if self.figures:
            out += ["### Plots", ""]
            for plot in self.figures:
                out += _figure(plot, self.key, plots_href)
        note = [f"FLOPs count: {self.flops_note}.", ""] if self.flops_note else []
        return "\n".join([*out, *self.tables, *note])


def _compact_lines(results: list[JobResult], full_summary) -> list[str]:
    frame = compact_table(results, full_summary)
    if len(frame.columns) < 2:  # no figure a summary holds: say so, not an empty table
        return ["_No cost, accuracy or rate figure for the summary here: see the full "
                "tables._", ""]
    out = [markdown_table(frame), ""]
    if any(c.startswith("×") or c.startswith("best ×") for c in frame.columns):
        out += [CI_LEGEND, ""]
    kinds = sorted({str(w) for w in full_summary["weights"].dropna()})
    if kinds:
        out.append("- Cost columns measured with: " + md_text(", ".join(kinds)) + " weights"
                   + ("" if len(kinds) == 1 else " (per model: the full tables)"))
    if DISTURBED_COLUMN in full_summary.columns:
        flagged = [f"{m} {d}" for m, d in zip(full_summary["model"],
                                               full_summary[DISTURBED_COLUMN], strict=True)
                   if isinstance(d, str) and d]
        if flagged:
            out.append("- Disturbed timings, still disturbed after repeats (shown, never "
                       "passed as clean): " + md_text("; ".join(flagged)))
    _, conditions = rate_cells(results)
    if conditions:
        out.append("- Rates hold under: " + md_text("; ".join(conditions)))
    return [*out, ""]


def build(key: str, results: list[JobResult], current: list[JobResult],
          figures: list[Plot]) -> Section:
    """The section ``key`` from its results (``current``: every section's, for the
    threads table of its machine)."""
    fingerprint, threads = results[0].hardware_fingerprint, results[0].config.get("threads")
    lines = provenance(results)
    full_summary = summary_table(results, counted=current)
    full = [*([peak] if (peak := machine_peak_line(results)) else []), "",
            "### Summary", "", markdown_table(with_ci(full_summary)), "",
            *ratio_notes(results)]
    if threads == max(int(r.config.get("threads")) for r in current
                      if r.hardware_fingerprint == fingerprint):
        by_threads = threads_table(current, fingerprint)
        if not by_threads.empty:
            full += ["### Threads (the same machine at each thread count; 1 thread is "
                     "the nearer proxy for one phone core)", "",
                     threads_note(current, fingerprint), "", markdown_table(by_threads), ""]
    counted = sorted({a.flops_counted for r in results if r.status == "ok"
                      and (s := select.suite_of(r)) and (a := s.architecture(r))} - {None})
    return Section(key, fingerprint, threads,
                   f"Hardware {md_code(fingerprint)}, {md_text(threads)} threads", lines,
                   _compact_lines(results, full_summary), figures, full,
                   _detail_tables(results), sum(r.status != "ok" for r in results),
                   md_text("; ".join(counted)) if counted else None)


def _detail_tables(rs: list[JobResult]) -> list[str]:
    out = [""]
    for suite in SUITES.values():
        mine = [r for r in rs if r.suite == suite.name]
        if mine:
            out += [f"### {suite.name}: {suite.description}", "",
                    markdown_table(suite.table(mine)), ""]
    backends = backend_table(rs)
    if not backends.empty:
        out += [f"### Backends at batch {BACKEND_POINT[0]}, {BACKEND_POINT[1]} tokens "
                f"(speed-up vs fp32 eager {REFERENCE_BACKEND}; parity on a trained model "
                "of the family; a failed gate is never ranked)", "",
                markdown_table(with_ci(backends)), ""]
    deltas = accuracy_delta_table(rs)
    if not deltas.empty:
        out += ["### Accuracy through each backend (real fine-tuned weights, same rows)", "",
                markdown_table(deltas), ""]
    pairs = mcnemar_table(rs)
    if not pairs.empty:
        out += ["### Pairwise McNemar tests (same rows, same data fingerprint)", "",
                markdown_table(pairs), ""]
    mistakes = error_analysis(rs)
    if mistakes:
        out += ["### External sets: most confident mistakes", "", mistakes]
    failed = sorted((r for r in rs if r.status != "ok"), key=lambda r: r.job_id)
    if failed:
        out += ["### Failed jobs", ""]
        out += [f"- {md_code(r.job_id)} ({md_text(r.status)}): "
                f"{md_text(r.error.message) if r.error else ''}" for r in failed]
        out.append("")
    return out
