"""The docs pages made from the code at build time (docs/hooks/generated_pages.py)."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

from harness.records.schema import JobResult
from suites import SUITES

HOOK = Path(__file__).resolve().parents[2] / "docs" / "hooks" / "generated_pages.py"


def _hook():
    spec = importlib.util.spec_from_file_location("generated_pages", HOOK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_suite_gets_a_page_with_its_flags_presets_and_metrics_fields():
    pages = _hook().generated()
    for suite in SUITES.values():
        page = pages[f"suites/{suite.name}.md"]
        assert page.startswith(f"# {suite.name}\n")
        for option in suite.options:
            assert f"| `{option.flag}` |" in page
        for key in suite.preset("quick", 2).to_dict():
            assert f"| `{key}` |" in page
        for field in dataclasses.fields(suite.metrics_type):
            if not field.name.startswith("_"):
                assert f"| `{field.name}` |" in page
        assert f"]({suite.name}.md)" in pages["suites/index.md"]


def test_the_results_page_lists_every_stored_field():
    page = _hook().generated()["results.md"]
    for field in dataclasses.fields(JobResult):
        assert f"| `{field.name}` |" in page
    assert "runs/<run-id>/<job-id>.json" in page  # and results/README.md's tree


def test_the_nav_lists_every_registered_suite_under_suites():
    nav = [{"Home": "index.md"}, {"Suites": []}, {"Findings": "findings.md"}]
    config = _hook().on_config({"nav": nav})
    assert config["nav"][1]["Suites"] == ["suites/index.md",
                                          *(f"suites/{name}.md" for name in SUITES)]
    assert config["nav"][0] == {"Home": "index.md"}
