"""Fan-out: ``bench run --shard i/n`` runs a deterministic 1/n of the job matrix, and
``bench merge`` gathers the shards' results into one run.

The partition must come out the same on every machine of a fan-out, whose torch version or
core count may differ, so it is not taken from job ids (their key hashes package versions
and the thread count). Jobs are ordered by what they are — suite, backend, model and the
suite config without the thread count — and dealt round-robin: shard sizes differ by at
most one, every job of the matrix lands in exactly one shard, and each suite's jobs (whose
costs differ by suite far more than by model) are spread evenly over the shards. Every shard must be
planned with the same ``bench run`` arguments and extras installed (an unavailable backend
is left out of the matrix).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from bench.run.jobs import JobSpec
from bench.run.store import RunStore, read_run
from harness.records.schema import JobResult, ResultSchemaError

MACHINE_DEPENDENT = ("threads",)


class ShardError(ValueError):
    """A bad --shard value or shards that cannot be merged; the message says what to fix."""


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` → (2, 4), shards numbered from 1."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ShardError(f"--shard {text!r}: expected i/n with 1 ≤ i ≤ n, e.g. --shard 2/4")
    return int(match[1]), int(match[2])


def identity(spec: JobSpec) -> str:
    """What a job is, independent of the machine that plans it."""
    config = {k: v for k, v in spec.config.items() if k not in MACHINE_DEPENDENT}
    blob = json.dumps({"model": spec.model.identity(), "suite": spec.suite, "config": config},
                      sort_keys=True, default=str)
    backend = spec.config.get("backend") or "-"
    digest = hashlib.sha256(blob.encode()).hexdigest()
    return f"{spec.suite}/{backend}/{spec.model.name}/{digest}"


def select_shard(jobs: list[JobSpec], index: int, count: int) -> list[JobSpec]:
    """Shard ``index`` of ``count`` (1-based), in the plan's own order."""
    ranked = sorted(range(len(jobs)), key=lambda k: identity(jobs[k]))
    mine = {k for position, k in enumerate(ranked) if position % count == index - 1}
    return [job for k, job in enumerate(jobs) if k in mine]


def shard_run_id(base: str, index: int, count: int) -> str:
    return f"{base}-shard{index}of{count}"


@dataclass
class MergeReport:
    run_dir: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)  # run id → results taken
    hardware: set[str] = field(default_factory=set)
    code: set[str] = field(default_factory=set)  # git sha (+ -dirty) of each result merged
    shards: set[str] = field(default_factory=set)
    superseded: list[str] = field(default_factory=list)


def _better(a: tuple[JobResult, Path], b: tuple[JobResult, Path]) -> tuple[JobResult, Path]:
    """Of two results for one job: an ok one over a failure; two ok ones are a conflict."""
    (ra, pa), (rb, pb) = a, b
    if ra.status == "ok" and rb.status == "ok":
        raise ShardError(f"bench merge: job {ra.job_id} was run by two shards ({pa} and {pb}); "
                         "were the shards planned with different --shard counts or "
                         "arguments? Merge one of them only")
    if ra.status == "ok":
        return a
    if rb.status == "ok":
        return b
    return max(a, b, key=lambda item: item[0].finished_at)


def merge_runs(sources: list[str | Path], into: str, results_dir: Path) -> MergeReport:
    """Copy every shard's results into ``runs/<into>/``, each re-labelled with the merged run
    id and keeping its own as ``merged_from``. Everything is read and checked before
    anything is written; results already there with the same content are left alone."""
    store = RunStore(results_dir, into)
    chosen: dict[str, tuple[JobResult, Path]] = {}
    report = MergeReport(store.dir)
    for spec in sources:
        try:
            directory, found = read_run(spec, results_dir)
        except ValueError as exc:
            raise ShardError(f"bench merge: {exc}") from None
        if directory.resolve() == store.dir.resolve():
            raise ShardError(f"bench merge: {directory} is the target run itself")
        for file, result in found:
            previous = chosen.get(result.job_id)
            if previous:
                kept = _better(previous, (result, file))
                dropped = (result, file) if kept is previous else previous
                report.superseded.append(str(dropped[1]))
                chosen[result.job_id] = kept
            else:
                chosen[result.job_id] = (result, file)
    with store.writer_lock():  # no bench run or merge writes into the target meanwhile
        _write_merged(chosen, store, report)
    return report


def _write_merged(chosen: dict[str, tuple[JobResult, Path]], store: RunStore,
                  report: MergeReport) -> None:
    into = store.run_id
    for job_id, (result, file) in sorted(chosen.items()):
        origin = result.merged_from or result.run_id
        result.merged_from, result.run_id = origin, into
        report.sources[origin] = report.sources.get(origin, 0) + 1
        report.hardware.add(result.hardware_fingerprint)
        report.code.add(result.git.label)
        if result.shard:
            report.shards.add(result.shard)
        try:
            existing = store.load(job_id)
        except (ResultSchemaError, OSError):
            existing = None  # an unreadable file in the target is replaced
        if existing is not None and existing.to_dict() == result.to_dict():
            report.unchanged.append(job_id)
            continue
        store.write(result)
        report.written.append(job_id)
        log = file.parent / "logs" / f"{job_id}.log"
        if log.is_file():
            store.log_path(job_id).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(log, store.log_path(job_id))


def missing_shards(shards: set[str]) -> list[str]:
    """Which i/n are absent, when the merged results say they were an n-way fan-out."""
    counts = {int(s.split("/")[1]) for s in shards}
    if len(counts) != 1:
        return [f"mixed shard counts: {', '.join(sorted(shards))}"] if counts else []
    n = counts.pop()
    return [f"{i}/{n}" for i in range(1, n + 1) if f"{i}/{n}" not in shards]
