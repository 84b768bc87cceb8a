"""Facts that need no timing: parameters, fp32 size, size on disk, FLOPs per forward."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.options import SEQ_LENS, WEIGHTS, Values, sweep_overrides
from harness.records.roles import Architecture
from harness.suite import EfficiencyConfig, Mode, Progress, Suite, SuiteOutput
from harness.table import mib, model_label, ok_results
from models_registry.meta import ModelMeta
from suites.static.record import StaticMetrics

if TYPE_CHECKING:
    import pandas as pd

    from harness.records.schema import JobResult

FLOP_SEQ_LENS = (64, 128, 256, 512)


@dataclass(frozen=True, kw_only=True)
class StaticConfig(EfficiencyConfig):
    seq_lens: tuple[int, ...] = FLOP_SEQ_LENS
    flops_batch_size: int = 1


def _dir_size(path: Path, patterns: tuple[str, ...]) -> int:
    return sum(f.stat().st_size for p in patterns for f in path.glob(p) if f.is_file())


class StaticSuite(Suite):
    name = "static"
    description = "parameters, fp32 size, safetensors size on disk, FLOPs per forward"
    config_type = StaticConfig
    metrics_type = StaticMetrics
    options = (SEQ_LENS, WEIGHTS)
    order = 10
    in_main_job = True
    default_timeout_s = 900.0

    def overrides(self, values: Values, results_dir: Path) -> dict[str, Any]:
        return sweep_overrides(values)

    def architecture(self, result: JobResult) -> Architecture | None:
        m = StaticMetrics.from_dict(result.metrics, source=result.job_id)
        return Architecture(m.parameters, m.fp32_mib, m.flops_per_forward, m.flops_counted)

    def preset(self, mode: Mode, threads: int) -> StaticConfig:
        # FLOPs are counted on the eager graph, where every attention product is a visible op.
        return StaticConfig(threads=threads, attn_implementation="eager")

    def configure(self, mode, threads, overrides) -> StaticConfig:
        config = super().configure(mode, threads, overrides)
        return replace(config, attn_implementation="eager")

    def run(self, meta: ModelMeta, config: StaticConfig, progress: Progress) -> SuiteOutput:
        from harness.flops import FLOPS_COUNTED, forward_flops
        from harness.runtime import (
            configure_torch,
            load_for_job,
            runtime_record,
            unsupported_seq_len,
        )

        configure_torch(config)
        model, weights, meta = load_for_job(meta, config)
        params = sum(p.numel() for p in model.parameters())
        embedding = sum(p.numel() for p in model.get_input_embeddings().parameters())
        with tempfile.TemporaryDirectory(prefix="static-size-") as tmp:
            model.save_pretrained(tmp, safe_serialization=True)
            safetensors_bytes = _dir_size(Path(tmp), ("*.safetensors",))
        flops, skipped = {}, []
        for seq_len in config.seq_lens:
            reason = unsupported_seq_len(model, seq_len)
            if reason:
                skipped.append({"seq_len": seq_len, "reason": reason})
                continue
            progress(f"{meta.name} FLOPs s{seq_len}")
            flops[str(seq_len)] = forward_flops(model, config.flops_batch_size, seq_len)
        metrics = {
            "parameters": params,
            "embedding_parameters": embedding,
            "declared_parameters": meta.n_parameters,
            "matches_declared": None if meta.n_parameters is None else params == meta.n_parameters,
            "fp32_mib": mib(params * 4),
            "safetensors_mib": mib(safetensors_bytes),
            "checkpoint_mib": (
                mib(_dir_size(Path(weights.path), ("*.safetensors", "*.bin")))
                if weights.path
                else None
            ),
            "flops_per_forward": flops,
            "flops_skipped": skipped,
            "flops_batch_size": config.flops_batch_size,
            "flops_counted": FLOPS_COUNTED,
        }
        return SuiteOutput(
            metrics=metrics,
            runtime=runtime_record(config, model),
            weights=weights,
            family=meta.family,
        )

    def table(self, results: list[JobResult]) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for result in ok_results(results):
            m = result.metrics
            row = {
                "model": model_label(result),
                "params (M)": round(m["parameters"] / 1e6, 2),
                "non-embedding (M)": round((m["parameters"] - m["embedding_parameters"]) / 1e6, 2),
                "fp32 MiB": round(m["fp32_mib"], 1),
                "safetensors MiB": (None if m.get("safetensors_mib") is None
                                    else round(m["safetensors_mib"], 1)),
            }
            for seq_len, flops in sorted(m["flops_per_forward"].items(), key=lambda kv: int(kv[0])):
                row[f"GFLOPs s{seq_len}"] = round(flops / 1e9, 2)
            rows.append(row)
        return pd.DataFrame(rows)
