"""``pytest bench/ --benchmark`` on a tiny model, and its JSON read by pytest-benchmark itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pytest_bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "bench/", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


def test_benchmarks_are_skipped_without_the_flag():
    done = _pytest_bench("-q")
    assert done.returncode == 0, done.stdout[-2000:]
    assert "skipped" in done.stdout and "passed" not in done.stdout


def test_benchmark_json_carries_context_and_loads_in_pytest_benchmark_compare(
    tiny_model_dirs, tmp_path
):
    out = tmp_path / "bench.json"
    models = f"{tiny_model_dirs['bert']},{tiny_model_dirs['mobilebert']}"
    done = _pytest_bench(
        "--benchmark",
        "--bench-models",
        models,
        "--bench-grid",
        "1x16,2x32,1x128",
        "--bench-threads",
        "1",
        "--benchmark-min-rounds",
        "3",
        "--benchmark-max-time",
        "0.05",
        f"--benchmark-json={out}",
        "-q",
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "4 passed, 2 skipped" in done.stdout  # 128 > the tiny models' 64 positions

    data = json.loads(out.read_text())
    assert data["machine_info"]["torch_version"].startswith("2.")
    assert data["machine_info"]["torch_threads"] == 1
    assert len(data["machine_info"]["hardware_fingerprint"]) == 12
    runs = data["benchmarks"]
    assert {b["group"] for b in runs} == {"b1/s16", "b2/s32"}
    for b in runs:
        info = b["extra_info"]
        assert info["weights"] == "pretrained" and info["weights_source"] == "local-dir"
        assert info["intra_op_threads"] == 1 and info["attn_implementation"] == "sdpa"
        assert b["stats"]["rounds"] >= 3 and b["stats"]["median"] > 0

    compare = subprocess.run(
        [sys.executable, "-m", "pytest_benchmark", "compare", str(out), "--group-by", "group"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert compare.returncode == 0, compare.stderr
    assert "test_forward_latency" in compare.stdout
