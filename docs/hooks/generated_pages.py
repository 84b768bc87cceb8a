"""MkDocs hook: pages generated from the code at build time, never written by hand, so they
cannot drift from what runs.

- ``suites/<name>.md``, one per registered suite, from its declaration: its docstring, what
  it declares (measure, backend axis, quiet machine, GPU, timeout, rates, claims), its
  ``bench run`` flags, both presets' config and its metrics record's fields. A suite added
  to the registry gets its page and its nav entry with no edit here or in ``mkdocs.yml``.
- ``results.md``, the result schema: ``results/README.md`` as it stands, then the fields
  of the stored record (``JobResult``) and its nested records.
- ``architecture.md``: ``ARCHITECTURE.md`` (the layout; adding a model, suite, backend).

The page texts come from plain functions (``suite_page``, ``results_page``) that the tests
call without MkDocs; only the two hook functions touch MkDocs objects.
"""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SUITES_NAV = "Suites"  # the nav section the suite pages are listed under


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _docstring(module: str) -> str:
    path = ROOT / (module.replace(".", "/") + ".py")
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def _fields_table(kind: type) -> list[str]:
    """A dataclass's fields: name, type, default."""
    rows = ["| field | type | default |", "|:--|:--|:--|"]
    for f in dataclasses.fields(kind):
        if f.name.startswith("_"):
            continue  # bookkeeping, never stored
        default = ("(required)" if f.default is dataclasses.MISSING
                   and f.default_factory is dataclasses.MISSING
                   else "(empty)" if f.default is dataclasses.MISSING else f"`{f.default!r}`")
        shown = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", f.type)
        # a pipe inside a code span does not split a Python-Markdown table cell
        rows.append(f"| `{f.name}` | `{shown}` | {_cell(default)} |")
    return rows


def suite_page(suite: Any) -> str:
    """One suite's page from its declaration."""
    module = type(suite).__module__
    package = module.rsplit(".", 1)[0]
    declared = [
        ("package", f"`{package.replace('.', '/')}/`"),
        ("measures per point", suite.measures.label if suite.measures else "no"),
        ("backend axis (`--backends`)", "yes" if suite.backend_axis else "no"),
        ("needs a quiet machine (timed alone)", "yes" if suite.needs_quiet_machine else "no"),
        ("uses a GPU where a node has one", "yes" if suite.uses_gpu else "no"),
        ("in the main job (`bench run` with no arguments)",
         "yes" if suite.in_main_job else "no"),
        ("cost from random-init weights", "yes" if suite.measures_cost() else "no"),
        ("default timeout per job", f"{suite.default_timeout_s:g} s"),
        ("rates `bench compare --fail-on` gates on",
         ", ".join(f"`{r}`" for r in suite.rate_names) or "none"),
        ("claims it is evidence for", ", ".join(f"`{c}`" for c in sorted(suite.evidence))
         or "none"),
    ]
    out = [f"# {suite.name}", "", f"*{_cell(suite.description)}*", "",
           _docstring(module), "", "## What it declares", "",
           "| | |", "|:--|:--|", *(f"| {k} | {_cell(v)} |" for k, v in declared), ""]
    if suite.options:
        out += ["## Its `bench run` flags", "", "| flag | what it sets |", "|:--|:--|"]
        out += [f"| `{o.flag}` | {_cell(o.help or '')} |" for o in suite.options]
        out.append("")
    presets = {mode: suite.preset(mode, 2).to_dict() for mode in ("quick", "full")}
    out += ["## Config (stored with every result)", "",
            "The quick preset (`bench run`) and `--full`, at 2 threads; flags override "
            "either.", "", "| key | quick | full |", "|:--|:--|:--|"]
    out += [f"| `{k}` | {_cell(json.dumps(v))} | {_cell(json.dumps(presets['full'].get(k)))} |"
            for k, v in presets["quick"].items()]
    out += ["", f"## Metrics record: `{suite.metrics_type.__name__}`", "",
            "What a result's `metrics` holds; the store checks every result against it "
            "when it reads the file.", "", *_fields_table(suite.metrics_type), ""]
    return "\n".join(out)


def suites_index(suites: dict[str, Any]) -> str:
    rows = [f"| [{s.name}]({s.name}.md) | {_cell(s.description)} |" for s in suites.values()]
    return "\n".join(["# Suites", "", "Every suite runs the same way on every model (`bench "
                      "run --suites NAME`); one page each, generated from the suite's own "
                      "declaration when the site is built.", "", "| suite | what it measures |",
                      "|:--|:--|", *rows, ""])


def results_page() -> str:
    """The result schema: ``results/README.md``, then the stored record's fields."""
    from harness.records import schema

    readme = (ROOT / "results" / "README.md").read_text(encoding="utf-8")
    body = readme.split("\n", 1)[1] if readme.startswith("# ") else readme
    out = ["# Results and their schema", "", "Generated from `results/README.md` and "
           "`harness/records/schema.py` when the site is built.", "", body.strip(), "",
           f"## The stored record: `JobResult` (schema {schema.SCHEMA_VERSION})", "",
           "One JSON file per job, `results/runs/<run-id>/<job-id>.json`.", "",
           *_fields_table(schema.JobResult), ""]
    for kind in (schema.ModelRecord, schema.EnvironmentRecord, schema.GitRecord,
                 schema.ErrorRecord, schema.ExecutorRecord):
        out += [f"### `{kind.__name__}`", "", *_fields_table(kind), ""]
    return "\n".join(out)


def generated() -> dict[str, str]:
    """Every generated page: its path under ``docs/`` → its markdown."""
    from suites import SUITES

    architecture = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    pages = {"suites/index.md": suites_index(SUITES), "results.md": results_page(),
             "architecture.md": architecture.replace(
                 "# Architecture", "# Architecture: the layout, and adding a model, a suite "
                 "or a backend\n\nGenerated from `ARCHITECTURE.md` when the site is built.",
                 1)}
    pages.update({f"suites/{s.name}.md": suite_page(s) for s in SUITES.values()})
    return pages


# --- the MkDocs side ------------------------------------------------------------------
def on_config(config: Any) -> Any:
    """List the suite pages under the nav's Suites section, in the registry's order."""
    from suites import SUITES

    for entry in config["nav"]:
        if isinstance(entry, dict) and SUITES_NAV in entry:
            entry[SUITES_NAV] = ["suites/index.md", *(f"suites/{s}.md" for s in SUITES)]
    return config


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    for path, text in generated().items():
        files.append(File.generated(config, path, content=text))
    return files
