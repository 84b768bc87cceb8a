"""Runs one job inside its own subprocess: ``python -m bench.run.worker SPEC.json PAYLOAD.json``.

The payload holds what only the job can know (metrics, what torch really ran with, where
the weights came from); the parent adds environment and provenance and writes the result.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

from bench.run.jobs import JobSpec
from harness.allocator import pin_malloc
from harness.lifecycle import die_with_parent
from harness.records.atomic import atomic_write_json
from harness.records.schema import ResultSchemaError
from harness.suite import Suite, SuiteOutput
from suites import get_suite

PROGRESS_PREFIX = "[progress] "


def _progress(message: str) -> None:
    print(PROGRESS_PREFIX + message, file=sys.stderr, flush=True)


def _error(exc: BaseException) -> dict:
    return {"error": {"kind": type(exc).__name__, "message": str(exc)}}


def _output(output: SuiteOutput) -> dict:
    return {"metrics": output.metrics, "runtime": output.runtime,
            "weights": output.weights.to_dict(), "family": output.family}


def _checked(suite: Suite, output: SuiteOutput | BaseException
             ) -> SuiteOutput | BaseException:
    """The output, if its metrics fit the suite's declared record; else the error that says
    which key does not (a suite that drifted from its declaration fails its job loudly)."""
    if isinstance(output, BaseException):
        return output
    try:
        suite.metrics_type.from_dict(output.metrics, source=f"suite {suite.name!r} output")
    except ResultSchemaError as exc:
        return exc
    return output


def main(argv: list[str] | None = None) -> int:
    """``SPEC PAYLOAD``: one job. ``SPEC PAYLOAD SPEC PAYLOAD …``: a group of jobs of one
    suite, run together by the suite's ``run_group`` (each job still gets its own payload)."""
    die_with_parent()
    args = argv or sys.argv[1:]
    pairs = [(Path(args[i]), Path(args[i + 1])) for i in range(0, len(args) - 1, 2)]
    specs = [JobSpec.from_dict(json.loads(spec.read_text(encoding="utf-8")))
             for spec, _ in pairs]
    suite = get_suite(specs[0].suite)
    if suite.needs_quiet_machine:  # timings: the same allocator state in every run
        pin_malloc()
    try:
        jobs = [(spec.model, suite.config_type.from_dict(spec.config)) for spec in specs]
        if len(jobs) == 1:
            outputs: list[SuiteOutput | BaseException] = [suite.run(*jobs[0], _progress)]
        else:
            outputs = suite.run_group(jobs, _progress)
    except Exception as exc:  # recorded as a failed job; the run goes on
        traceback.print_exc()
        outputs = [exc] * len(pairs)
    outputs = [_checked(suite, o) for o in outputs]
    for (_, payload), spec, output in zip(pairs, specs, outputs, strict=True):
        if isinstance(output, BaseException) and len(pairs) > 1:
            print(f"{spec.model.name}/{spec.suite} failed:", file=sys.stderr)
            traceback.print_exception(output)
        atomic_write_json(payload, _error(output) if isinstance(output, BaseException)
                          else _output(output))
    return 1 if any(isinstance(o, BaseException) for o in outputs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
