"""The layering holds on this tree, and the check would see each way of breaking it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.layers import LAYERS, import_edges, violations

ROOT = Path(__file__).resolve().parents[1]


def test_the_project_imports_only_downward_without_cycles():
    found = violations(ROOT)
    assert not found, "import rules broken:\n" + "\n".join(found)


def test_every_layer_is_read_and_function_level_imports_count():
    edges = import_edges(ROOT)
    assert {e.source.split(".")[0] for e in edges} >= {"bench", "suites", "harness"}
    # The worker imports the suites inside a function: that edge must be seen.
    assert any(e.source == "bench.run.worker" and e.target.startswith("suites") for e in edges)


def _tree(root: Path, files: dict[str, str]) -> Path:
    for layer in LAYERS:
        (root / layer).mkdir(parents=True, exist_ok=True)
        (root / layer / "__init__.py").touch()
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(root).parents:
            if str(parent) != ".":
                (root / parent / "__init__.py").touch()
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_an_upward_import_inside_a_function_is_caught(tmp_path):
    root = _tree(tmp_path, {
        "harness/backends/real.py": """
            def check():
                from bench.run.environment import package_versions
                return package_versions()
        """,
        "bench/run/environment.py": "def package_versions(): return {}\n",
    })
    (found,) = violations(root)
    assert found.startswith("upward: harness/backends/real.py:3")
    assert "bench.run.environment" in found


def test_a_suite_importing_a_sibling_suite_is_caught(tmp_path):
    root = _tree(tmp_path, {
        "suites/latency/suite.py": "GRID = (1, 8)\n",
        "suites/memory/suite.py": "from suites.latency.suite import GRID\n",
        "suites/memory/record.py": "from suites.memory import suite\n",  # own package: fine
    })
    assert violations(root) == [
        "sideways: suites/memory/suite.py:1: suites.memory.suite imports suites.latency.suite"]


def test_cycles_between_files_and_between_packages_are_caught(tmp_path):
    root = _tree(tmp_path, {
        "harness/backends/parity.py": "def gate():\n    from harness.accuracy import scoring\n",
        "harness/accuracy/scoring.py": "from harness.backends import parity\n",
        "suites/memory/probe.py": "from suites.memory.suite import Config\n",
        "suites/memory/suite.py": "def run():\n    from .probe import PREFIX\n",
    })
    found = violations(root)
    assert "package cycle: harness.accuracy <-> harness.backends" in found
    assert "module cycle: suites.memory.probe <-> suites.memory.suite" in found
    assert "module cycle: harness.accuracy.scoring <-> harness.backends.parity" in found
    assert len(found) == 3
