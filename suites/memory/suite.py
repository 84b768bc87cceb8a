"""Peak memory per (model, batch, seq) point, each in a fresh process started from a small one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.lifecycle import child_env
from harness.options import SWEEP_OPTIONS, Values, sweep_overrides
from harness.records.roles import MEMORY
from harness.suite import FULL_GRID, QUICK_GRID, Mode, Progress, Suite, SuiteOutput
from harness.table import model_label, ok_results
from models_registry.meta import ModelMeta
from suites.memory.config import RESULT_PREFIX, MemoryConfig
from suites.memory.record import MemoryMetrics
from suites.memory.tracker import high_water_mark_mib

if TYPE_CHECKING:
    import pandas as pd

    from harness.records.schema import JobResult

# The forward-pass peak must agree with the kernel's own accounting of the probe process
# (read by the parent with wait4, as /usr/bin/time -v does) within this fraction.
EXTERNAL_AGREEMENT_TOLERANCE = 0.05


def run_probe(spec: dict) -> dict:
    """Start ``suites.memory.probe`` and read its peak from outside via ``os.wait4``."""
    from suites.memory.tracker import maxrss_to_mib

    with tempfile.TemporaryDirectory(prefix="memprobe-") as tmp:
        spec_path = Path(tmp) / "spec.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-m", "suites.memory.probe", "--spec", str(spec_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(),  # the probe dies with this process (harness.lifecycle)
        )
        try:
            # Read both pipes to EOF (threads avoid a full-pipe deadlock), then reap the child
            # ourselves with wait4 so its rusage is ours to read.
            stdout, stderr = _read_pipes(proc)
        finally:
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
    lines = [ln for ln in stdout.splitlines() if ln.startswith(RESULT_PREFIX)]
    if proc.returncode != 0 or not lines:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        raise RuntimeError(
            f"memory probe b{spec['batch_size']}/s{spec['seq_len']} exited "
            f"{proc.returncode}:\n{tail}"
        )
    point = json.loads(lines[-1][len(RESULT_PREFIX):])
    return add_external_check(point, maxrss_to_mib(usage.ru_maxrss))


def add_external_check(point: dict, external_mib: float) -> dict:
    """Hold the probe's own lifetime peak against the kernel's figure read from outside.

    The lifetime peak is the forward peak for the points that matter (large batch × seq);
    for small ones loading can peak higher, which ``peak_phase`` says.
    """
    internal = max(point["peak_forward_mib"], point.get("peak_load_mib") or 0.0)
    point["peak_phase"] = "forward" if internal == point["peak_forward_mib"] else "load"
    point["external_maxrss_mib"] = external_mib
    point["external_method"] = "os.wait4 rusage of the probe process (what /usr/bin/time -v reads)"
    # A probe inherits its launcher's address-space high-water mark through exec, so the
    # launcher must stay small (it never imports torch). Its own ru_maxrss may be larger:
    # that one is inherited from whatever started the launcher, and is not passed on.
    point["launcher_vmhwm_mib"] = high_water_mark_mib()
    point["peak_vs_external"] = internal / external_mib
    point["agrees_with_external"] = (
        abs(point["peak_vs_external"] - 1.0) <= EXTERNAL_AGREEMENT_TOLERANCE
    )
    return point


def _read_pipes(proc: subprocess.Popen) -> tuple[str, str]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        out = pool.submit(proc.stdout.read) if proc.stdout else None
        err = pool.submit(proc.stderr.read) if proc.stderr else None
        return (out.result() if out else ""), (err.result() if err else "")


class MemorySuite(Suite):
    name = "memory"
    description = "RSS after imports / load and peak during forward, one fresh process per point"
    config_type = MemoryConfig
    metrics_type = MemoryMetrics
    options = SWEEP_OPTIONS
    order = 30
    in_main_job = True
    measures = MEMORY
    backend_axis = True
    fixed_shapes = True

    def overrides(self, values: Values, results_dir: Path) -> dict[str, Any]:
        return sweep_overrides(values)

    def preset(self, mode: Mode, threads: int) -> MemoryConfig:
        grid = FULL_GRID if mode == "full" else QUICK_GRID
        return MemoryConfig(threads=threads, batch_sizes=grid[0], seq_lens=grid[1])

    def run(self, meta: ModelMeta, config: MemoryConfig, progress: Progress) -> SuiteOutput:
        from harness.runtime import resolve_for_job, runnable_points

        # This process stays small (no torch): probes inherit its high-water mark through exec.
        weights, meta = resolve_for_job(meta, config)
        points, runtime = [], {}
        grid, skipped = runnable_points(meta.config, config.points())
        for batch_size, seq_len in grid:
            progress(f"{meta.name} memory b{batch_size}/s{seq_len}")
            point = run_probe(
                {
                    "meta": meta.to_dict(), "weights": weights.to_dict(),
                    "config": config.to_dict(), "batch_size": batch_size, "seq_len": seq_len,
                }
            )
            runtime = point.pop("runtime")
            points.append(point)
        return SuiteOutput(
            metrics={
                "points": points,
                "skipped": skipped,
                "all_agree_with_external": all(p["agrees_with_external"] for p in points),
                "external_tolerance": EXTERNAL_AGREEMENT_TOLERANCE,
            },
            runtime=runtime,
            weights=weights,
            family=meta.family,
        )

    def table(self, results: list[JobResult]) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for result in ok_results(results):
            for p in result.metrics["points"]:
                rows.append(
                    {
                        "model": model_label(result),
                        "backend": p.get("backend", result.runtime.get("backend")),
                        "batch": p["batch_size"],
                        "seq": p["seq_len"],
                        "after imports MiB": round(p["rss_after_imports_mib"]),
                        "after load MiB": round(p["rss_after_load_mib"]),
                        "after convert MiB": round(p.get("rss_after_prepare_mib",
                                                         p["rss_after_load_mib"])),
                        "peak MiB": round(p["peak_forward_mib"]),
                        "sampled peak MiB": round(p["peak_forward_sampled_mib"]),
                        "Δ load MiB": round(p["delta_load_mib"]),
                        "Δ forward MiB": round(p["delta_forward_mib"]),
                        "external MiB": round(p["external_maxrss_mib"]),
                        "peak/external": f"{p['peak_vs_external']:.3f}",
                    }
                )
        return pd.DataFrame(rows)
