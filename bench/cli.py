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
        print(f"  {meta.name:<12} {meta.hub_id or '-':<40} {meta.family:<11} {params:>12} params  "
              f"license: {meta.license}")
    print("Suites:")
    for suite in SUITES.values():
        print(f"  {suite.name:<12} {suite.description}")
    from suites.backends import BACKENDS

    print("Backends (latency and memory suites; --backends all):")
    for backend in BACKENDS.values():
        state = backend.unavailable()
        print(f"  {backend.name:<19} {backend.precision:<5} {backend.description}"
              + (f"  [unavailable: {state}]" if state else ""))
    return 0


def _names(values: list[str]) -> list[str]:
    """``a,b c`` → [a, b, c]: lists may be comma- or space-separated."""
    return [v for value in values for v in value.split(",") if v]


def _abs(path: str | Path | None) -> str | None:
    return None if path is None else str(Path(path).expanduser().resolve())


def _news_source(name: str, path: str | None, text_columns: list[str] | None,
                 label_column: str | None, label_map: str | None, fixed_label: str | None,
                 on_blank: str) -> dict:
    from suites.data.news import NewsSource, parse_label_map

    values: dict = {"name": name, "path": _abs(path), "on_blank": on_blank}
    if text_columns:
        values["text_columns"] = tuple(_names(text_columns))
    if label_column:
        values["label_column"] = label_column
    if label_map:
        values["label_map"] = parse_label_map(label_map)
    if fixed_label:
        values["fixed_label"] = fixed_label
    return NewsSource(**values).to_dict()


def accuracy_overrides(args: argparse.Namespace) -> dict:
    """The accuracy suites' data and budget options, as config overrides (paths absolute)."""
    welfake = _news_source("welfake", args.welfake, args.text_columns, args.label_column,
                           args.label_map, None, "drop")
    sets = tuple(
        _news_source(Path(path).stem, path, args.external_text_columns,
                     args.external_label_column, args.external_label_map, args.external_label,
                     "drop" if args.external_drop_blank else "error")
        for path in args.external or []
    )
    return {
        "data": welfake,
        "sets": sets or None,
        "mnli": _abs(args.mnli),
        "train_file": _abs(args.mnli_train),
        "samples_per_split": args.mnli_samples,
        "label_order": tuple(_names([args.mnli_label_order])) if args.mnli_label_order else None,
        "max_train_samples": args.max_train_samples,
        "max_eval_samples": args.max_eval_samples,
        "max_length": args.max_length,
        "epochs": args.epochs,
        "learning_rate": args.learning_rate,
        "batch_size": args.train_batch_size,
        "finetuned_dir": _abs(args.results_dir / "finetuned"),
        "splits_dir": _abs(args.results_dir / "splits"),
    }


def preflight(jobs: list) -> list[str]:
    """Every suite's missing data, found in seconds, before any job starts."""
    from suites.data.errors import DataError

    problems, checked = [], set()
    for spec in jobs:
        if spec.suite in checked:
            continue
        checked.add(spec.suite)
        suite = SUITES[spec.suite]
        try:
            suite.preflight(suite.config_type.from_dict(spec.config))
        except (DataError, FileNotFoundError) as exc:
            problems.append(f"{spec.suite}: {exc}")
    return problems


def cmd_run(args: argparse.Namespace) -> int:
    from bench.jobs import plan_jobs
    from bench.leaderboard import write_leaderboard
    from bench.runner import default_run_id, execute
    from bench.store import RunStore
    from bench.verdicts import write_verdicts
    from suites.data.errors import DataError

    overrides = {
        "batch_sizes": tuple(args.batch_sizes) if args.batch_sizes else None,
        "seq_lens": tuple(args.seq_lens) if args.seq_lens else None,
        "weights": args.weights,
        "backends": _names(args.backends) if args.backends else None,
        "padding_sets": tuple(_names(args.padding_sets)) if args.padding_sets else None,
    }
    try:
        overrides.update(accuracy_overrides(args))
        jobs = plan_jobs(
            _names(args.models), _names(args.suites), mode="full" if args.full else "quick",
            threads=args.threads, overrides=overrides, timeout_s=args.timeout,
            on_skip=lambda message: print(f"not planned: {message}", file=sys.stderr),
        )
        problems = preflight(jobs)
    except (KeyError, ValueError, FileNotFoundError, DataError) as exc:
        print(f"bench run: {exc}", file=sys.stderr)
        return 2
    if problems:
        print("bench run: missing inputs, nothing was run:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
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
        written = write_verdicts(args.results_dir)
        print(f"verdicts: {len(written)} files in {args.results_dir / 'verdicts'}")
    return 0 if report.ok else 1


def cmd_leaderboard(args: argparse.Namespace) -> int:
    from bench.leaderboard import write_leaderboard

    path = write_leaderboard(args.results_dir, args.output)
    print(f"leaderboard: {path}")
    return 0


def cmd_verdicts(args: argparse.Namespace) -> int:
    from bench.verdicts import write_verdicts

    for path in write_verdicts(args.results_dir):
        print(path)
    return 0


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
    run.add_argument("--backends", nargs="+", help="inference backends of the latency and "
                     "memory suites, comma- or space-separated, or 'all' (default: "
                     "pytorch-sdpa); see 'bench list'")
    run.add_argument("--padding-sets", nargs="+", help="padding suite: which token-length "
                     "distributions, from mnli (uses --mnli) and news (uses --welfake and "
                     "its column options); default both")
    data = run.add_argument_group("accuracy suites: data")
    data.add_argument("--mnli", help="directory with MNLI validation_matched/_mismatched "
                      "files (.tsv/.jsonl/.csv/.parquet); default: GLUE on the hub")
    data.add_argument("--mnli-train", help="MNLI train file, to fine-tune models that have "
                      "no MNLI checkpoint (TinyBERT)")
    data.add_argument("--mnli-samples", type=int, help="rows per validation set (default "
                      "1000; --full uses all)")
    data.add_argument("--mnli-label-order", help="output order of a local MNLI checkpoint "
                      "whose id2label is generic, e.g. contradiction,entailment,neutral")
    data.add_argument("--welfake", help="WELFake_Dataset.csv (or any news file with "
                      "the column options); default: the hub copy")
    data.add_argument("--text-columns", nargs="+", help="WELFake text columns (title text)")
    data.add_argument("--label-column", help="WELFake label column (label)")
    data.add_argument("--label-map", help="raw label values to real/fake (1=fake,0=real)")
    data.add_argument("--external", nargs="+", help="external news files (CSV etc.)")
    data.add_argument("--external-text-columns", nargs="+")
    data.add_argument("--external-label-column")
    data.add_argument("--external-label-map")
    data.add_argument("--external-label", choices=["real", "fake"],
                      help="one label for every row of each external file")
    data.add_argument("--external-drop-blank", action="store_true",
                      help="drop external rows with empty text instead of failing")
    budget = run.add_argument_group("accuracy suites: CPU budget (all recorded)")
    budget.add_argument("--max-train-samples", type=int)
    budget.add_argument("--max-eval-samples", type=int)
    budget.add_argument("--max-length", type=int)
    budget.add_argument("--epochs", type=float)
    budget.add_argument("--learning-rate", type=float)
    budget.add_argument("--train-batch-size", type=int)
    run.add_argument("--no-leaderboard", action="store_true",
                     help="do not re-render the leaderboard and verdicts")
    run.add_argument("--no-progress", action="store_true")
    run.set_defaults(func=cmd_run)

    board = sub.add_parser("leaderboard", help="render results/leaderboard.md")
    board.add_argument("--results-dir", type=Path, default=Path("results"))
    board.add_argument("--output", type=Path)
    board.set_defaults(func=cmd_leaderboard)

    verdicts = sub.add_parser("verdicts", help="write results/verdicts/*.json from the claims")
    verdicts.add_argument("--results-dir", type=Path, default=Path("results"))
    verdicts.set_defaults(func=cmd_verdicts)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
