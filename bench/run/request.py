"""What a run asks for, before it is planned: the one description ``bench run`` and the
Python API (``bench.api.run``) both build, so both plan the same jobs under the same keys
and resume each other's results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.run.jobs import JobSpec, plan_jobs
from suites import SUITES

DEFAULT_MODELS = ("mobilebert", "distilbert", "tinybert", "bert-base")  # the main job's


def declared_options() -> dict[str, Any]:
    """Every suite flag by its keyword name (``--batch-sizes`` → ``batch_sizes``)."""
    return {option.dest: option for suite in SUITES.values() for option in suite.options}


@dataclass(frozen=True)
class RunRequest:
    models: list[str]
    suites: list[str]
    results_dir: Path
    backends: list[str] | None = None
    full: bool = False
    timeout_s: float | None = None
    # The suites' declared flags by keyword name (``declared_options``); absent: the preset.
    values: dict[str, Any] = field(default_factory=dict)

    def plan(self, threads: int, on_skip: Callable[[str], None] | None = None
             ) -> list[JobSpec]:
        values = {**dict.fromkeys(declared_options()), **self.values}
        per_suite = {name: SUITES[name].overrides(values, self.results_dir)
                     for name in self.suites if name in SUITES}
        return plan_jobs(self.models, self.suites, mode="full" if self.full else "quick",
                         threads=threads, overrides={"backends": self.backends or None},
                         per_suite=per_suite, timeout_s=self.timeout_s, on_skip=on_skip)
