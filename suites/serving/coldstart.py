"""Cold start: a fresh Python process from its launch to its first answer, split into
imports, weight loading, backend conversion and the first call; the median of several
processes, each timed by the wall clock it shares with its parent.

Run as ``python -m suites.serving.coldstart SPEC`` (the child): it prints one JSON line of
timestamps. Weights load through the project's one loader (safetensors; a pickle ``.bin``
only through ``weights_only``); random-init weights are saved as safetensors first, so the
child reads real files of the real size.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PHASES = ("imports", "weights", "convert", "first_call")
CHILD_TIMEOUT_S = 300.0


def _child(spec: dict[str, Any]) -> dict[str, float]:
    marks = {"launched": spec["launched"]}
    import torch
    import transformers  # noqa: F401 (its import is part of the cost)

    from harness.backends import get_backend
    from models_registry import resolve_model_spec
    from models_registry.loading import load_classifier
    from models_registry.weights import ResolvedWeights

    backend = get_backend(spec["backend"])
    for package in backend.requires:
        __import__(package)
    torch.set_num_threads(spec["threads"])
    marks["imports"] = time.time()
    meta = resolve_model_spec(spec["model"])
    weights = ResolvedWeights(**spec["weights"])
    model = load_classifier(meta, weights, attn_implementation=backend.attn_implementation)
    marks["weights"] = time.time()
    ids = torch.tensor([spec["request"]])
    batch = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
    prepared = backend.prepare(model, batch)
    marks["convert"] = time.time()
    prepared.call(batch)
    marks["first_call"] = time.time()
    prepared.close()
    return marks


def measure(spec: dict[str, Any], processes: int, timeout_s: float = CHILD_TIMEOUT_S
            ) -> dict[str, Any]:
    """Launch ``processes`` fresh children one after another; per phase, the median."""
    runs = []
    for _ in range(processes):
        launched = time.time()
        child = subprocess.run(
            [sys.executable, "-m", "suites.serving.coldstart",
             json.dumps({**spec, "launched": launched})],
            capture_output=True, text=True, timeout=timeout_s, check=False,
            cwd=Path(__file__).resolve().parents[2])
        if child.returncode != 0:
            tail = (child.stderr or child.stdout).strip().splitlines()[-3:]
            raise RuntimeError(f"cold-start process failed (exit {child.returncode}): "
                               + " | ".join(tail))
        marks = json.loads(child.stdout.strip().splitlines()[-1])
        previous, run = marks["launched"], {}
        for phase in PHASES:
            run[f"{phase}_s"] = round(marks[phase] - previous, 4)
            previous = marks[phase]
        run["total_s"] = round(marks["first_call"] - marks["launched"], 4)
        runs.append(run)
    median = {key: round(statistics.median(r[key] for r in runs), 4) for key in runs[0]}
    return {"processes": processes, "median": median, "runs": runs,
            "spread_s": round(max(r["total_s"] for r in runs)
                              - min(r["total_s"] for r in runs), 4)}


if __name__ == "__main__":
    print(json.dumps(_child(json.loads(sys.argv[1]))))
