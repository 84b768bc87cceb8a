"""Runs one job inside its own subprocess: ``python -m bench.worker SPEC.json PAYLOAD.json``.

The payload holds what only the job can know (metrics, what torch really ran with, where
the weights came from); the parent adds environment and provenance and writes the result.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

from bench.jobs import JobSpec
from bench.store import atomic_write_json
from suites import get_suite
from suites.lifecycle import die_with_parent

PROGRESS_PREFIX = "[progress] "


def _progress(message: str) -> None:
    print(PROGRESS_PREFIX + message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    die_with_parent()
    spec_path, payload_path = (argv or sys.argv[1:])[:2]
    spec = JobSpec.from_dict(json.loads(Path(spec_path).read_text(encoding="utf-8")))
    suite = get_suite(spec.suite)
    try:
        config = suite.config_type.from_dict(spec.config)
        output = suite.run(spec.model, config, _progress)
    except Exception as exc:  # recorded as a failed job; the run goes on
        traceback.print_exc()
        atomic_write_json(
            Path(payload_path),
            {"error": {"kind": type(exc).__name__, "message": str(exc)}},
        )
        return 1
    atomic_write_json(
        Path(payload_path),
        {
            "metrics": output.metrics,
            "runtime": output.runtime,
            "weights": output.weights.to_dict(),
            "family": output.family,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
