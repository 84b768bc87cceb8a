"""``bench``: list models and suites, run the job matrix, render the leaderboard."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.environment import usable_cores
from models_registry import all_models
from suites import EFFICIENCY_SUITES, SUITES

DEFAULT_MODELS = ("mobilebert", "distilbert", "tinybert", "bert-base")


def cmd_list(args: argparse.Namespace) -> int:
    print("Models (also: hf:<hub-id>[@revision] or a local model directory):")
    for meta in all_models().values():
        params = f"{meta.n_parameters:,}" if meta.n_parameters else "?"
        print(f"  {meta.name:<12} {meta.hub_id:<40} {meta.family:<11} {params:>12} params  "
              f"license: {meta.license}")
    print("Suites:")
    for suite in SUITES.values():
        print(f"  {suite.name:<12} {suite.description}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bench.jobs import plan_jobs
    from bench.leaderboard import write_leaderboard
    from bench.runner import default_run_id, execute
    from bench.store import RunStore

    overrides = {
        "batch_sizes": tuple(args.batch_sizes) if args.batch_sizes else None,
        "seq_lens": tuple(args.seq_lens) if args.seq_lens else None,
        "weights": args.weights,
        "attn_implementation": args.attn,
    }
    try:
        jobs = plan_jobs(
            args.models, args.suites, mode="full" if args.full else "quick",
            threads=args.threads, overrides=overrides, timeout_s=args.timeout,
        )
    except (KeyError, ValueError, FileNotFoundError) as exc:
        print(f"bench run: {exc}", file=sys.stderr)
        return 2
    store = RunStore(args.results_dir, args.run_id or default_run_id())
    started = time.monotonic()
    report = execute(jobs, store, force=args.force, show_progress=not args.no_progress)
    print(
        f"run {report.run_id}: {len(report.completed)} done, {len(report.skipped)} already "
        f"done (skipped; --force re-runs), {len(report.failed)} failed, "
        f"{time.monotonic() - started:.0f} s — results in {report.run_dir}"
    )
    if not args.no_leaderboard:
        print(f"leaderboard: {write_leaderboard(args.results_dir)}")
    return 0 if report.ok else 1


def cmd_leaderboard(args: argparse.Namespace) -> int:
    from bench.leaderboard import write_leaderboard

    path = write_leaderboard(args.results_dir, args.output)
    print(f"leaderboard: {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("list", help="declared models and suites").set_defaults(func=cmd_list)

    run = sub.add_parser("run", help="run suites on models (default: the main job)")
    run.add_argument("--models", nargs="+", default=list(DEFAULT_MODELS),
                     help="registry names, hf:<hub-id>[@rev], or local model directories")
    run.add_argument("--suites", nargs="+", default=list(EFFICIENCY_SUITES),
                     choices=list(SUITES))
    mode = run.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small grid (default)")
    mode.add_argument("--full", action="store_true", help="full batch × sequence grid")
    run.add_argument("--threads", type=int, default=usable_cores(),
                     help="intra-op threads (default: usable cores); inter-op is 1")
    run.add_argument("--force", action="store_true", help="re-run jobs already done")
    run.add_argument("--run-id", help="default: local-<hardware fingerprint>, so re-runs resume")
    run.add_argument("--results-dir", type=Path, default=Path("results"))
    run.add_argument("--timeout", type=float, help="seconds per job (default: per suite)")
    run.add_argument("--batch-sizes", type=int, nargs="+", help="override the preset grid")
    run.add_argument("--seq-lens", type=int, nargs="+", help="override the preset grid")
    run.add_argument("--weights", choices=["auto", "random-init"],
                     help="auto: local dir → HF cache → hub → random init (default)")
    run.add_argument("--attn", choices=["sdpa", "eager"], help="attention implementation")
    run.add_argument("--no-leaderboard", action="store_true")
    run.add_argument("--no-progress", action="store_true")
    run.set_defaults(func=cmd_run)

    board = sub.add_parser("leaderboard", help="render results/leaderboard.md")
    board.add_argument("--results-dir", type=Path, default=Path("results"))
    board.add_argument("--output", type=Path)
    board.set_defaults(func=cmd_leaderboard)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
