"""Results on disk: one JSON per job under ``results/runs/<run-id>/``, always written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.result_schema import JobResult, ResultSchemaError

DEFAULT_RESULTS_DIR = Path("results")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, fsync, then rename over it: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; results are for others to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


class RunStore:
    """The results of one run: ``<root>/runs/<run_id>/<job_id>.json``."""

    def __init__(self, root: Path, run_id: str) -> None:
        self.root = Path(root)
        self.run_id = run_id
        self.dir = self.root / "runs" / run_id

    def path_for(self, job_id: str) -> Path:
        return self.dir / f"{job_id}.json"

    def log_path(self, job_id: str) -> Path:
        return self.dir / "logs" / f"{job_id}.log"

    def write(self, result: JobResult) -> Path:
        path = self.path_for(result.job_id)
        atomic_write_json(path, result.to_dict())
        return path

    def load(self, job_id: str) -> JobResult | None:
        path = self.path_for(job_id)
        return load_result(path) if path.is_file() else None

    def is_done(self, job_id: str, job_key: str) -> bool:
        """Done means a stored ``ok`` result for exactly this job key."""
        try:
            result = self.load(job_id)
        except ResultSchemaError:
            return False
        return result is not None and result.status == "ok" and result.job_key == job_key


def read_run(spec: str | Path, results_root: Path) -> tuple[Path, list[tuple[Path, JobResult]]]:
    """A run named by id (``<results_root>/runs/<id>``) or by its directory (a downloaded
    artifact, another checkout): its directory and every result in it, file by file.

    Raises ValueError (``ResultSchemaError`` for an unreadable file) naming what is wrong.
    """
    runs = Path(results_root) / "runs"
    path = Path(spec)
    directory = path if path.is_dir() else runs / str(spec)
    if not directory.is_dir():
        raise ValueError(f"no run {str(spec)!r}: neither a directory nor {runs / str(spec)}; "
                         f"see `ls {runs}`")
    files = sorted(directory.glob("*.json"))
    if not files:
        raise ValueError(f"{directory} holds no result files (*.json)")
    return directory, [(file, load_result(file)) for file in files]


def load_result(path: Path) -> JobResult:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultSchemaError(f"{path}: not a JSON result file ({exc})") from None
    return JobResult.from_dict(data, source=str(path))


def iter_results(root: Path) -> Iterator[JobResult]:
    """Every readable result under ``<root>/runs``, in a stable order."""
    for path in sorted((Path(root) / "runs").glob("*/*.json")):
        yield load_result(path)
