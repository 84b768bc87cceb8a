"""The driver's loop: submit every pending group, store each record as it comes back, retry
a group whose node was lost once on another node of its type, else record it failed.

The driver alone writes the results directory (atomically, through ``RunStore``), holding
each run directory's writer lock for the whole run; a driver killed mid-run leaves only
whole records, and the same command then runs only the missing jobs.
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass, field
from typing import Any

from bench.run.cluster.nodes import Node
from bench.run.cluster.placement import group_options
from bench.run.groups import MEMORY_SHARE, group_jobs
from bench.run.jobs import JobSpec
from bench.run.progress import progress
from bench.run.provenance import make_result, utc_now
from bench.run.runner import RunReport, not_done, report_result, write_result
from bench.run.store import RunStore
from harness.records.atomic import atomic_write_bytes
from harness.records.schema import ErrorRecord, ExecutorRecord, JobResult
from suites import get_suite

WATCH_S = 5.0  # how often the driver checks that a waiting group still has a node to run on
NODE_ID = re.compile(r"node ID: ([0-9a-f]{16,})")


@dataclass
class TypePlan:
    """One node type's share of the run: its nodes, threads, store and jobs."""

    node_type: str
    nodes: list[Node]
    threads: int
    store: RunStore
    jobs: list[JobSpec]
    facts: dict[str, dict[str, Any]]  # each node's ``node_task.describe``, by node id
    report: RunReport = field(init=False)

    def __post_init__(self) -> None:
        self.report = RunReport(self.store.run_id, self.store.dir)


@dataclass
class _Attempt:
    plan: TypePlan
    group: list[JobSpec]
    number: int = 1
    lost: list[str] = field(default_factory=list)  # node ids that lost earlier attempts
    cause: str | None = None


def execute_on_ray(plans: list[TypePlan], *, force: bool = False, show_progress: bool = True,
                   shard: str | None = None) -> list[RunReport]:
    """Run every plan's pending jobs on its nodes; one report per plan."""
    import ray

    from bench.run.cluster.node_task import run_group_here

    remote = ray.remote(run_group_here)
    with contextlib.ExitStack() as held:
        attempts: list[_Attempt] = []
        for plan in plans:
            plan.store.check_writable()
            held.enter_context(plan.store.writer_lock())
            pending = not_done(plan.jobs, plan.store, force, plan.report)
            budget = MEMORY_SHARE * min(n.memory_mib for n in plan.nodes)
            attempts += [_Attempt(plan, group) for group in group_jobs(pending, budget)]
        total = sum(len(p.jobs) for p in plans)
        bar = progress(total, show_progress)
        bar.update(sum(len(p.report.skipped) for p in plans))
        inflight: dict[Any, _Attempt] = {}

        def submit(attempt: _Attempt) -> None:
            nodes = [n for n in attempt.plan.nodes if n.node_id not in attempt.lost]
            options = group_options(get_suite(attempt.group[0].suite), nodes,
                                    attempt.plan.threads)
            ref = remote.options(**options).remote(
                [s.to_dict() for s in attempt.group], attempt.plan.store.run_id, shard)
            inflight[ref] = attempt

        def keep(attempt: _Attempt, results: list[JobResult]) -> None:
            for result in results:
                stored = write_result(result, attempt.plan.store)
                report_result(stored, attempt.plan.report, bar, attempt.plan.store)
                bar.finished(stored)

        try:
            for attempt in attempts:
                submit(attempt)
            while inflight:
                ready, _ = ray.wait(list(inflight), num_returns=1, timeout=WATCH_S)
                for ref in ready:
                    attempt = inflight.pop(ref)
                    try:
                        done = ray.get(ref)
                    except ray.exceptions.RayTaskError as exc:  # bench itself raised there
                        results = _failed(attempt, "executor-error", _last_line(exc))
                    except ray.exceptions.RayError as exc:  # the node or its worker was lost
                        outcome = _lost(attempt, exc)
                        if isinstance(outcome, _Attempt):
                            submit(outcome)
                            continue
                        results = outcome
                    else:
                        results = _returned(attempt, done)
                    keep(attempt, results)
                alive = _alive_ids()
                for ref, attempt in list(inflight.items()):
                    if not _has_node(attempt, alive):
                        ray.cancel(ref, force=True)
                        del inflight[ref]
                        keep(attempt, _failed(
                            attempt, "node-lost", f"no node of type {attempt.plan.node_type!r}"
                            f" is alive to run it{_after(attempt)}"))
        except BaseException:  # an interrupt: nothing of this run goes on without its driver
            for ref in inflight:
                with contextlib.suppress(Exception):
                    ray.cancel(ref, force=True)
            raise
        finally:
            bar.close()
    return [plan.report for plan in plans]


def _alive_ids() -> set[str]:
    import ray

    return {n["NodeID"] for n in ray.nodes() if n.get("Alive")}


def _has_node(attempt: _Attempt, alive: set[str]) -> bool:
    """Whether a node of the attempt's type that has not lost it is still alive."""
    return any(n.node_id in alive and n.node_id not in attempt.lost for n in attempt.plan.nodes)


def _lost(attempt: _Attempt, exc: Exception) -> _Attempt | list[JobResult]:
    """The retry of a group whose node or worker was lost, or its jobs' failed records."""
    cause = _last_line(exc)
    found = NODE_ID.search(str(exc))
    lost = [*attempt.lost, found[1]] if found else attempt.lost
    if attempt.number == 1:
        retry = _Attempt(attempt.plan, attempt.group, 2, lost, cause)
        if _has_node(retry, _alive_ids()):
            return retry
        cause += f"; no other node of type {attempt.plan.node_type!r} is alive to retry it"
    return _failed(_Attempt(attempt.plan, attempt.group, attempt.number, lost, attempt.cause),
                   "node-lost", cause)


def _after(attempt: _Attempt) -> str:
    return f" (attempt {attempt.number}; the first was lost: {attempt.cause})" \
        if attempt.cause else ""


def _last_line(exc: Exception) -> str:
    """A Ray error's cause in one line (its message ends with the exception raised)."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    text = lines[0] if isinstance(exc, _lost_errors()) else lines[-1] if lines else ""
    return (text or type(exc).__name__)[:500]


def _lost_errors() -> tuple[type, ...]:
    import ray

    return (ray.exceptions.NodeDiedError, ray.exceptions.WorkerCrashedError)


def _returned(attempt: _Attempt, done: dict[str, Any]) -> list[JobResult]:
    """The records a node sent back, with where they ran; their logs written here."""
    plan, results = attempt.plan, []
    node = next((n for n in plan.nodes if n.node_id == done["node_id"]), None)
    for item in done["results"]:
        result = JobResult.from_dict(item["result"], source=f"node {done['hostname']}")
        result.executor = ExecutorRecord(
            "ray", hostname=done["hostname"], node_id=done["node_id"],
            node_type=plan.node_type, node_labels=dict(node.labels) if node else None,
            attempt=attempt.number, retried_after=attempt.cause,
            group_started_unix=round(done["started"], 3),
            group_finished_unix=round(done["finished"], 3))
        atomic_write_bytes(plan.store.log_path(result.job_id), item["log"].encode())
        results.append(result)
    return results


def _failed(attempt: _Attempt, kind: str, message: str) -> list[JobResult]:
    """A failed record for every job of a group that produced nothing, with the facts of
    the machine it was lost on."""
    plan, now = attempt.plan, time.monotonic()
    # the machine it was lost on, else one of its type: the facts its section is kept by
    lost_on = attempt.lost[-1] if attempt.lost else plan.nodes[0].node_id
    facts = plan.facts.get(lost_on) or plan.facts[plan.nodes[0].node_id]
    executor = ExecutorRecord("ray", node_type=plan.node_type, attempt=attempt.number,
                              retried_after=attempt.cause)
    return [make_result(spec, plan.store, "failed", ErrorRecord(kind, message), {},
                        utc_now(), now, environment=facts["environment"], git=facts["git"],
                        executor=executor) for spec in attempt.group]


