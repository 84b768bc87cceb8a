"""The report subcommands of ``bench`` (publish, compare, leaderboard, verdicts): each
imports its report module when it runs, so ``bench --help`` and ``bench run`` stay light."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.options import names


def report_published(results_dir: Path) -> None:
    from bench.report.publish import publish

    done = publish(results_dir)
    print(f"published: {done.leaderboard}, {len(done.pages)} section pages, "
          f"{len(done.plots)} plots, "
          f"{len(done.verdicts)} verdicts, {done.summary_csv.name} + {done.summary_json.name}, "
          f"{done.html.name} "
          f"in {results_dir}")


def cmd_publish(args: argparse.Namespace) -> int:
    report_published(args.results_dir)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from bench.report.compare import compare_runs, load_run, render
    from bench.report.delta import CompareError, parse_fail_on
    from harness.records.atomic import atomic_write_json

    try:
        thresholds = parse_fail_on(names(args.fail_on or []))
        comparison = compare_runs(load_run(args.run_a, args.results_dir),
                                  load_run(args.run_b, args.results_dir),
                                  allow_hardware_mismatch=args.allow_hardware_mismatch)
    except CompareError as exc:
        print(f"bench compare: {exc}", file=sys.stderr)
        return 2
    print(render(comparison, thresholds))
    if args.json:
        atomic_write_json(args.json, comparison.to_dict())
    if comparison.refused:
        return 2  # a gate that could not look at latency must not pass silently
    return 1 if comparison.regressions(thresholds) else 0


def cmd_leaderboard(args: argparse.Namespace) -> int:
    from bench.report.leaderboard import write_leaderboard

    written = write_leaderboard(args.results_dir, args.output)
    print(f"leaderboard: {written.path} (and {len(written.pages)} section page(s))")
    return 0


def cmd_verdicts(args: argparse.Namespace) -> int:
    from bench.report.verdicts import write_verdicts

    for path in write_verdicts(args.results_dir):
        print(path)
    return 0
