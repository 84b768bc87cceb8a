"""An independent check of the suite's speed ratios: every model in one process, timed
round-robin, one call per model per round, so that machine drift hits all of them alike.

What it measures is the suite's measurand, steady-state latency: each timed call follows an
untimed call of the same model (``--cold`` times the first call after another model
instead; a 10 ms TinyBERT call then reads 3-6% slower, its caches just used by BERT-base).

It shares no timing code with the latency suite (only the registry's loading and the same
synthetic inputs), so a bias in the suite's loop, warm-up or process handling shows up as a
disagreement::

    python -m suites.latency.crosscheck --models mobilebert distilbert tinybert bert-base \\
        --points 1x128 8x128 --rounds 20 --json crosscheck.json

Ratios are ``reference p50 / model p50`` per round, summarised by their median with a 95%
percentile-bootstrap interval over rounds. Random-init weights: cost does not depend on them.

``--against results/summary.csv`` lines the script's ratios up with the suite's published
``× vs <reference> bB/sS`` columns and exits 1 when any differs by more than ``--tolerance``
percent (5 by default): run it in the same window as the ``bench run`` it checks.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any


def _load(spec: str, seed: int) -> tuple[str, Any]:
    """The model as the registry builds it: a local directory's weights, else random init
    from the declared config (the registry's loading, not the suite's timing code)."""
    from models_registry import resolve_model_spec
    from models_registry.loading import load_classifier
    from models_registry.weights import resolve_weights

    meta = resolve_model_spec(spec)
    weights = resolve_weights(meta, allow_random_init=True,
                              force_random_init=meta.local_dir is None)
    return meta.name, load_classifier(meta, weights, seed=seed)


def _bootstrap_ci(values: list[float], seed: int, n: int = 2000) -> tuple[float, float]:
    rng = random.Random(seed)
    medians = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(n))
    return medians[int(0.025 * n)], medians[int(0.975 * n) - 1]


def crosscheck(models: list[str], points: list[tuple[int, int]], *, rounds: int, warmup: int,
               threads: int, reference: str, seed: int = 0, cold: bool = False
               ) -> dict[str, Any]:
    import torch

    from harness.allocator import pin_malloc  # the same allocator state as the suite's
    from harness.inputs import synthetic_batch  # the same inputs the suite times

    malloc = pin_malloc()
    torch.set_num_threads(threads)
    loaded = dict(_load(spec, seed) for spec in models)
    if reference not in loaded:
        raise SystemExit(f"the reference {reference!r} must be among --models")
    out: dict[str, Any] = {"threads": threads, "rounds": rounds, "warmup": warmup,
                           "reference": reference, "malloc": malloc,
                           "timed_call": "first after another model" if cold
                           else "after an untimed call of the same model", "points": []}
    order = list(loaded)
    with torch.inference_mode():
        for batch, seq in points:
            inputs = {name: synthetic_batch(batch, seq, m.config.vocab_size, seed)
                      for name, m in loaded.items()}
            for name, model in loaded.items():
                for _ in range(warmup):
                    model(**inputs[name])
            per_round: dict[str, list[float]] = {name: [] for name in loaded}
            for r in range(rounds):
                for name in order[r % len(order):] + order[:r % len(order)]:  # rotate starts
                    if not cold:
                        loaded[name](**inputs[name])
                    t0 = time.perf_counter()
                    loaded[name](**inputs[name])
                    per_round[name].append((time.perf_counter() - t0) * 1e3)
            for name, times in per_round.items():
                ratios = [ref / mine for ref, mine in zip(per_round[reference], times,
                                                          strict=True)]
                low, high = _bootstrap_ci(ratios, seed)
                out["points"].append({
                    "model": name, "batch_size": batch, "seq_len": seq,
                    "p50_ms": round(statistics.median(times), 3),
                    "ratio_vs_reference": round(statistics.median(ratios), 3),
                    "ratio_ci95": [round(low, 3), round(high, 3)],
                    "round_ms": [round(t, 3) for t in times],
                })
    return out


def render(result: dict[str, Any]) -> str:
    lines = [f"| model | point | p50 ms | × vs {result['reference']} (95% CI) |",
             "|---|---|---:|---|"]
    for p in result["points"]:
        low, high = p["ratio_ci95"]
        lines.append(f"| {p['model']} | b{p['batch_size']}/s{p['seq_len']} | {p['p50_ms']:.2f} "
                     f"| {p['ratio_vs_reference']:.2f} ({low:.2f}–{high:.2f}) |")
    return "\n".join(lines)


def agreement(result: dict[str, Any], summary_csv: Path, tolerance_pct: float
              ) -> list[dict[str, Any]]:
    """The suite's published ratio beside the script's, per section, model and point."""
    import csv

    with summary_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for p in result["points"]:
        if p["model"] == result["reference"]:
            continue
        column = f"× vs {result['reference']} b{p['batch_size']}/s{p['seq_len']}"
        for row in rows:
            if row.get("model") != p["model"] or not row.get(column):
                continue
            suite = float(row[column])
            diff = 100 * (suite / p["ratio_vs_reference"] - 1)
            out.append({"section": row.get("section"), "model": p["model"],
                        "point": f"b{p['batch_size']}/s{p['seq_len']}", "suite": suite,
                        "script": p["ratio_vs_reference"], "diff_pct": round(diff, 2),
                        "agrees": abs(diff) <= tolerance_pct})
    return out


def _point(text: str) -> tuple[int, int]:
    batch, _, seq = text.partition("x")
    if not (batch.isdigit() and seq.isdigit() and int(batch) > 0 and int(seq) > 0):
        raise argparse.ArgumentTypeError(f"{text!r}: write a point as BATCHxSEQ, e.g. 8x128")
    return int(batch), int(seq)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+",
                        default=["mobilebert", "distilbert", "tinybert", "bert-base"])
    parser.add_argument("--reference", default="bert-base")
    parser.add_argument("--points", nargs="+", type=_point, default=[(1, 128), (8, 128)])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--cold", action="store_true",
                        help="time each model's first call after another model's")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--against", type=Path, metavar="SUMMARY_CSV",
                        help="compare with the suite's ratios in this summary.csv")
    parser.add_argument("--tolerance", type=float, default=5.0, metavar="PCT")
    args = parser.parse_args(argv)
    if args.against and not args.against.is_file():
        parser.error(f"--against {args.against}: no such file; run `bench run` (or `bench "
                     "publish`) first, it writes summary.csv into the results directory")
    if args.rounds < 2 or args.warmup < 0 or args.threads < 1:
        parser.error("--rounds must be at least 2, --warmup at least 0, --threads at least 1")
    result = crosscheck(args.models, args.points, rounds=args.rounds, warmup=args.warmup,
                        threads=args.threads, reference=args.reference, cold=args.cold)
    print(render(result))
    status = 0
    if args.against:
        rows = agreement(result, args.against, args.tolerance)
        result["agreement"] = rows
        print(f"\n| section | model | point | suite × | script × | Δ % | within "
              f"{args.tolerance:g}% |\n|---|---|---|---:|---:|---:|---|")
        for row in rows:
            print(f"| {row['section']} | {row['model']} | {row['point']} | {row['suite']:.2f} "
                  f"| {row['script']:.2f} | {row['diff_pct']:+.2f} | "
                  f"{'yes' if row['agrees'] else 'NO'} |")
        if not rows:
            print(f"(no matching × columns in {args.against})")
        status = 0 if rows and all(r["agrees"] for r in rows) else 1
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
