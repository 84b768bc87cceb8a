"""What a run asks for, before it is planned: the one description ``bench run`` and the
Python API (``bench.api.run``) both build, so both plan the same jobs under the same keys
and resume each other's results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.run.jobs import JobSpec, plan_jobs, preflight
from harness.data.errors import DataError
from suites import SUITES

DEFAULT_MODELS = ("mobilebert", "distilbert", "tinybert", "bert-base")  # the main job's
# What planning raises for input a user can fix: an unknown name, an impossible value, a
# missing file, unreadable data (a shard's ShardError is a ValueError).
PLANNING_ERRORS = (KeyError, ValueError, FileNotFoundError, DataError)


class NotRun(Exception):
    """Why a run did nothing: a planning error, or the preflight's problems, each named."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


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

    def checked(self, threads: int, on_skip: Callable[[str], None] | None = None,
                narrow: Callable[[list[JobSpec]], list[JobSpec]] | None = None
                ) -> list[JobSpec]:
        """The planned jobs (``narrow``ed, e.g. to a shard) once every preflight check
        passed; ``NotRun`` before any work where one did not, or planning failed."""
        try:
            jobs = self.plan(threads, on_skip)
            jobs = narrow(jobs) if narrow else jobs
            problems = preflight(jobs)
        except PLANNING_ERRORS as exc:
            raise NotRun(str(exc)) from None
        if problems:
            raise NotRun("nothing was run; fix these first (missing inputs, impossible "
                         "sizes)", problems)
        return jobs
