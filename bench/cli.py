"""``bench``: list models and suites, run the job matrix, render the leaderboard."""

from __future__ import annotations

import argparse
import errno
import sys
import time
from pathlib import Path

from bench.report.commands import (
    cmd_compare,
    cmd_leaderboard,
    cmd_publish,
    cmd_verdicts,
    report_published,
)
from bench.run.cluster.launch import add_arguments as add_cluster_arguments
from bench.run.request import DEFAULT_MODELS
from bench.run.store import DEFAULT_RESULTS_DIR
from harness.environment import usable_cores
from harness.options import names, positive_float, positive_int
from harness.records.paths import is_safe_name
from models_registry import all_models
from suites import EFFICIENCY_SUITES, SUITES


def run_id(text: str) -> str:
    """One safe path component: results land in ``runs/<id>/`` and nowhere else (100
    characters at most: a shard suffix still fits the 150 a stored name may have)."""
    if not is_safe_name(text) or len(text) > 100:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a run id: use 1-100 letters, digits, '.', '_' or '-', starting "
            "with a letter or digit (no '/', no '..'), e.g. feature-x")
    return text


def cmd_list(args: argparse.Namespace) -> int:
    print("Models (also: hf:<hub-id>[@revision] or a local model directory):")
    for meta in all_models().values():
        params = f"{meta.n_parameters:,}" if meta.n_parameters else "?"
        print(f"  {meta.name:<12} {meta.hub_id or '-':<40} {meta.family:<11} {params:>12} params  "
              f"license: {meta.license}")
    print("Suites:")
    for suite in SUITES.values():
        print(f"  {suite.name:<12} {suite.description}")
    from harness.backends import BACKENDS

    print("Backends (latency and memory suites; --backends all):")
    for backend in BACKENDS.values():
        state = backend.unavailable()
        print(f"  {backend.name:<19} {backend.precision:<5} {backend.description}"
              + (f"  [unavailable: {state}]" if state else ""))
    return 0


def results_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--results-dir", type=Path, default=DEFAULT_RESULTS_DIR,
                        help=f"where runs and reports live (default: {DEFAULT_RESULTS_DIR})")


def suite_options(parser: argparse.ArgumentParser) -> None:
    """Every suite's declared flags, once each, under the ``--help`` section it names."""
    groups: dict[str, argparse._ArgumentGroup] = {}
    seen: dict[str, object] = {}
    for suite in SUITES.values():
        for option in suite.options:
            if option.flag in seen:
                if seen[option.flag] != option:
                    raise ValueError(f"suite {suite.name!r} declares {option.flag} differently "
                                     "from another suite; share one Option object")
                continue
            seen[option.flag] = option
            if option.group not in groups:
                groups[option.group] = parser.add_argument_group(option.group)
            option.add_to(groups[option.group])


def cmd_run(args: argparse.Namespace) -> int:
    from bench.run.cluster.launch import misused, run_on_ray
    from bench.run.jobs import preflight
    from bench.run.request import NotRun, RunRequest
    from bench.run.runner import default_run_id, execute
    from bench.run.shard import ShardError, parse_shard, select_shard, shard_run_id
    from bench.run.store import RunStore, StoreError

    request = RunRequest(names(args.models), names(args.suites), args.results_dir,
                         backends=names(args.backends) or None, full=args.full,
                         timeout_s=args.timeout, values=vars(args))

    def not_planned(message: str) -> None:
        print(f"not planned: {message}", file=sys.stderr)

    def plan(threads: int) -> list:
        return request.plan(threads, not_planned)

    if reason := misused(args):
        print(f"bench run: {reason}", file=sys.stderr)
        return 2
    if args.executor == "ray":  # the threads depend on the node type: planned there
        code = run_on_ray(args, plan, preflight)
        if code != 2 and not args.no_leaderboard:
            report_published(args.results_dir)
        return code

    def to_shard(jobs: list) -> list:
        chosen = select_shard(jobs, *shard)
        print(f"shard {shard[0]}/{shard[1]}: {len(chosen)} of {len(jobs)} jobs",
              file=sys.stderr)
        return chosen

    threads = args.threads or usable_cores()
    if threads > usable_cores():  # oversubscribed: each thread waits for a core
        print(f"bench run: WARNING: --threads {threads} exceeds the {usable_cores()} "
              "usable cores; the timings measure contention, not the model (every "
              "record says how many threads ran)", file=sys.stderr)
    try:
        shard = parse_shard(args.shard) if args.shard else None
        jobs = request.checked(threads, not_planned, to_shard if shard else None)
    except ShardError as exc:
        print(f"bench run: {exc}", file=sys.stderr)
        return 2
    except NotRun as exc:
        print(f"bench run: {exc}{':' if exc.problems else ''}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    name = args.run_id or default_run_id()
    if shard and not args.run_id:
        name = shard_run_id(name, *shard)
    store = RunStore(args.results_dir, name)
    started = time.monotonic()
    try:
        report = execute(jobs, store, force=args.force, show_progress=not args.no_progress,
                         shard=args.shard and f"{shard[0]}/{shard[1]}")
    except StoreError as exc:
        print(f"bench run: {exc}; nothing was run", file=sys.stderr)
        return 2
    print(
        f"run {report.run_id}: {len(report.completed)} done, {len(report.skipped)} already "
        f"done (skipped; --force re-runs), {len(report.failed)} failed, "
        f"{time.monotonic() - started:.0f} s — results in {report.run_dir}"
    )
    if not args.no_leaderboard:
        report_published(args.results_dir)
    return 0 if report.ok else 1


def cmd_merge(args: argparse.Namespace) -> int:
    from bench.run.shard import ShardError, merge_runs, missing_shards

    try:
        report = merge_runs(args.runs, args.into, args.results_dir)
    except ShardError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    taken = ", ".join(f"{run} ({n})" for run, n in sorted(report.sources.items()))
    print(f"merged into {report.run_dir}: {len(report.written)} written, "
          f"{len(report.unchanged)} already there; from {taken}")
    for path in report.superseded:
        print(f"  superseded (a failed attempt of a job another shard ran): {path}")
    if len(report.hardware) > 1:
        print(f"  note: results from {len(report.hardware)} machines "
              f"({', '.join(sorted(report.hardware))}); the leaderboard keeps each in its "
              "own section and never compares latencies across them")
    if len(report.code) > 1:  # one run should be one version of the code
        print(f"  WARNING: the merged results come from {len(report.code)} versions of the "
              f"code ({', '.join(sorted(report.code))}); their numbers may differ for that "
              "reason alone", file=sys.stderr)
    gaps = missing_shards(report.shards)
    if gaps:
        print(f"  WARNING: shards missing from the merge: {', '.join(gaps)}", file=sys.stderr)
    if not args.no_leaderboard:
        report_published(args.results_dir)
    return 1 if gaps else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("list", help="declared models and suites").set_defaults(func=cmd_list)

    run = sub.add_parser("run", help="run suites on models (default: the main job)")
    run.add_argument("--models", nargs="+", default=list(DEFAULT_MODELS),
                     help="registry names, hf:<hub-id>[@rev], or local model directories "
                     "(comma- or space-separated)")
    run.add_argument("--suites", nargs="+", default=list(EFFICIENCY_SUITES),
                     help=f"comma- or space-separated, from: {', '.join(SUITES)}")
    mode = run.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small grid (default)")
    mode.add_argument("--full", action="store_true", help="full batch × sequence grid")
    run.add_argument("--threads", type=positive_int,
                     help="intra-op threads (default: usable cores; on Ray, the CPUs each "
                     "node type offers); inter-op is 1")
    run.add_argument("--force", action="store_true", help="re-run jobs already done")
    run.add_argument("--run-id", type=run_id,
                     help="default: local-<hardware fingerprint>, so re-runs resume")
    results_dir_option(run)
    run.add_argument("--timeout", type=positive_float,
                     help="seconds per job (default: per suite)")
    run.add_argument("--backends", nargs="+", help="inference backends: one job per backend "
                     "in the latency, memory and padding suites, re-scoring in the accuracy "
                     "suites; comma- or space-separated, or 'all' (default: pytorch-sdpa); see "
                     "'bench list'")
    run.add_argument("--shard", help="i/n: run only the i-th of n deterministic parts of the "
                     "job matrix (default run id gets -shard<i>of<n>); combine with "
                     "'bench merge'")
    run.add_argument("--no-leaderboard", action="store_true",
                     help="do not publish the leaderboard, plots, verdicts and summary")
    run.add_argument("--no-progress", action="store_true")
    add_cluster_arguments(run)
    suite_options(run)  # each suite's own flags, declared in its package
    run.set_defaults(func=cmd_run)

    board = sub.add_parser("leaderboard", help="render results/leaderboard.md and its plots")
    results_dir_option(board)
    board.add_argument("--output", type=Path)
    board.set_defaults(func=cmd_leaderboard)

    publish = sub.add_parser("publish", help="leaderboard.md, plots, verdicts and summary "
                             "CSV/JSON under results/, byte-identical for the same runs")
    results_dir_option(publish)
    publish.set_defaults(func=cmd_publish)

    compare = sub.add_parser("compare", help="per-metric deltas between two runs, beyond the "
                             "noise; --fail-on makes it a CI regression gate")
    compare.add_argument("run_a", metavar="RUN_A", help="baseline: run id or run directory; "
                         "several comma-separated (A1,A2,A3) pool their timings, and a change "
                         "must exceed their between-run spread to count")
    compare.add_argument("run_b", metavar="RUN_B", help="candidate: run id or run directory")
    results_dir_option(compare)
    compare.add_argument("--fail-on", nargs="+", metavar="METRIC=THRESHOLD",
                         help="exit 1 on a significant regression beyond a threshold: "
                         "latency=10%% memory=5%% accuracy=1pt server-qps=10%%")
    compare.add_argument("--allow-hardware-mismatch", action="store_true",
                         help="compare latency/memory across hardware fingerprints (flagged); "
                         "by default such rows are refused and the exit code is 2")
    compare.add_argument("--json", type=Path, help="also write the deltas as JSON")
    compare.set_defaults(func=cmd_compare)

    merge = sub.add_parser("merge", help="combine shard runs into one run")
    merge.add_argument("runs", nargs="+", metavar="RUN",
                       help="shard run ids or run directories (e.g. downloaded artifacts)")
    merge.add_argument("--into", required=True, type=run_id, help="the merged run id")
    results_dir_option(merge)
    merge.add_argument("--no-leaderboard", action="store_true")
    merge.set_defaults(func=cmd_merge)

    verdicts = sub.add_parser("verdicts", help="write results/verdicts/*.json from the claims")
    results_dir_option(verdicts)
    verdicts.set_defaults(func=cmd_verdicts)
    return parser


def main(argv: list[str] | None = None) -> int:
    from bench.run.interrupt import Interrupted, signals_raise

    args = build_parser().parse_args(argv)
    try:
        with signals_raise():
            return args.func(args)
    except Interrupted as exc:
        # The job it stopped is recorded as interrupted and its processes are gone; what
        # finished is stored, and the same command resumes.
        during = f" during {exc.during} (recorded as interrupted)" if exc.during else ""
        print(f"\nbench {args.command}: stopped by {exc.signal_name}{during}; finished results "
              "are kept, run the same command again to resume", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a read-only or full disk, a folder gone: one line, not a trace
        print(f"bench {args.command}: {os_error_line(exc)}", file=sys.stderr)
        return 2


def os_error_line(exc: OSError) -> str:
    """What failed, on which path, and what to do about it."""
    from bench.run.store import StoreError

    if isinstance(exc, StoreError) or not exc.filename:
        return str(exc)
    fix = {errno.ENOSPC: "free some space on that disk, or pass --results-dir on another",
           errno.EDQUOT: "free some space on that disk, or pass --results-dir on another",
           errno.EACCES: "make it writable, or pass --results-dir (or --json) elsewhere",
           errno.EPERM: "make it writable, or pass --results-dir (or --json) elsewhere",
           errno.EROFS: "the disk is read-only: pass --results-dir (or --json) elsewhere",
           errno.ENOENT: "check the path exists",
           errno.ENOTDIR: "a part of that path is a file, not a folder: choose another path",
           }.get(exc.errno, "check the path and the disk")
    return f"cannot use {exc.filename} ({exc.strerror or exc}); {fix}"
