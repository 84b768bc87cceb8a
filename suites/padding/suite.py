"""Dynamic padding on real token-length distributions: the same texts, tokenized by the
model's tokenizer, run padded to a fixed length, padded per batch, and length-bucketed.

MNLI pairs are short (most far below 128 tokens) and news articles long (most truncated at
512), so the gain of dynamic padding differs by data, and that is what this suite shows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.accuracy.options import MNLI, WELFAKE_OPTIONS, mnli_overrides, welfake_overrides
from harness.data.news import default_welfake
from harness.options import WEIGHTS, Option, Values, names
from harness.suite import EfficiencyConfig, Mode, Progress, Suite, SuiteOutput
from harness.table import model_label, ok_results
from models_registry.meta import ModelMeta
from suites.padding.record import PaddingMetrics

if TYPE_CHECKING:
    import pandas as pd

    from harness.records.schema import JobResult

FIXED_LENGTH = {"mnli": 128, "news": 512}


@dataclass(frozen=True, kw_only=True)
class PaddingConfig(EfficiencyConfig):
    padding_sets: tuple[str, ...] = ("mnli", "news")
    mnli: str = "hub"  # as the mnli-proxy suite: 'hub' or a directory / file
    data: dict[str, Any] = field(default_factory=default_welfake)  # a NewsSource (WELFake)
    texts_per_set: int = 128
    batch_size: int = 8
    repeats: int = 1


def _texts(name: str, config: PaddingConfig) -> tuple[list[str], list[str] | None, str]:
    """(texts, pairs or None, data fingerprint) of a seeded sample of one set."""
    if name == "mnli":
        from harness.data.mnli import load_mnli

        data = load_mnli(config.mnli, "validation_matched")
    elif name == "news":
        from harness.data.news import NewsSource, load_news

        data = load_news(NewsSource.from_dict(config.data))
    else:
        raise ValueError(f"unknown padding set {name!r}; known: {', '.join(FIXED_LENGTH)}")
    sample = data.stratified_sample(config.texts_per_set, config.seed)
    return list(sample.texts), list(sample.pairs) if sample.pairs else None, sample.fingerprint


def measure_set(prepared: Any, tokenizer: Any, texts: list[str], pairs: list[str] | None,
                fixed_length: int, config: PaddingConfig) -> dict[str, Any]:
    import torch

    from harness.padding import STRATEGIES, StrategyTiming, batch_plan, length_summary
    from harness.timing.disturbance import measure_undisturbed

    encoded = tokenizer(texts, pairs, truncation=True, max_length=fixed_length)
    ids = encoded["input_ids"]
    lengths = [len(row) for row in ids]

    def batch(rows: list[int], width: int) -> dict[str, Any]:
        out = torch.zeros((len(rows), width), dtype=torch.long)
        mask = torch.zeros_like(out)
        for k, i in enumerate(rows):
            out[k, :lengths[i]] = torch.tensor(ids[i])
            mask[k, :lengths[i]] = 1
        return {"input_ids": out, "attention_mask": mask}

    timings, machines = {}, {}
    for strategy in STRATEGIES:
        plan = [batch(rows, width) for rows, width in
                batch_plan(lengths, config.batch_size, strategy, fixed_length)]
        prepared.call(plan[0])  # warm-up (first-shape costs are not padding's)

        def best_of_repeats(plan=plan) -> float:
            best = float("inf")
            for _ in range(config.repeats):
                started = time.perf_counter()
                for b in plan:
                    prepared.call(b)
                best = min(best, time.perf_counter() - started)
            return best

        best, machines[strategy] = measure_undisturbed(best_of_repeats)
        computed = sum(int(b["input_ids"].numel()) for b in plan)
        timings[strategy] = StrategyTiming(
            strategy=strategy, batches=len(plan), total_s=round(best, 4),
            texts_per_s=round(len(texts) / best, 2), computed_tokens=computed,
            real_tokens=sum(lengths), pad_fraction=round(1 - sum(lengths) / computed, 4),
        )
    fixed = timings["fixed"].total_s
    return {
        "lengths": length_summary(lengths, fixed_length), "fixed_length": fixed_length,
        "strategies": {k: {**v.to_dict(), "speedup_vs_fixed": round(fixed / v.total_s, 3),
                           "disturbed": machines[k]["disturbed"], "machine": machines[k]}
                       for k, v in timings.items()},
    }


PADDING_SETS = Option("--padding-sets", "padding suite: which token-length distributions, from "
                      "mnli (uses --mnli) and news (uses --welfake and its column options); "
                      "default both", "padding suite", {"nargs": "+"})


class PaddingSuite(Suite):
    name = "padding"
    description = "fixed vs dynamic padding vs length bucketing on real token lengths"
    config_type = PaddingConfig
    metrics_type = PaddingMetrics
    options = (PADDING_SETS, WEIGHTS, MNLI, *WELFAKE_OPTIONS)
    order = 40
    backend_axis = True
    needs_quiet_machine = True
    default_timeout_s = 3600.0

    def overrides(self, values: Values, results_dir: Path) -> dict[str, Any]:
        return {"padding_sets": tuple(names(values.get("padding_sets"))) or None,
                "weights": values.get("weights"), "mnli": mnli_overrides(values)["mnli"],
                **welfake_overrides(values)}

    def preset(self, mode: Mode, threads: int) -> PaddingConfig:
        return PaddingConfig(threads=threads, texts_per_set=512 if mode == "full" else 128,
                             repeats=2 if mode == "full" else 1)

    def preflight(self, config: PaddingConfig) -> None:
        if "news" in config.padding_sets:
            from harness.data.news import NewsSource, check_source

            check_source(NewsSource.from_dict(config.data))
        if "mnli" in config.padding_sets:
            from harness.data.mnli import check_mnli_source

            check_mnli_source(config.mnli)

    def run(self, meta: ModelMeta, config: PaddingConfig, progress: Progress) -> SuiteOutput:
        from harness.backends import get_backend
        from harness.inputs import synthetic_batch
        from harness.padding import padding_tokenizer
        from harness.runtime import configure_torch, load_for_job, runtime_record

        configure_torch(config)
        backend = get_backend(config.backend)
        model, weights, meta = load_for_job(meta, config)
        tokenizer, tokenizer_source = padding_tokenizer(meta, weights)
        prepared = backend.prepare(model, synthetic_batch(config.batch_size, 32,
                                                          model.config.vocab_size))
        limit = int(getattr(model.config, "max_position_embeddings", 512))
        sets = {}
        try:
            for name in config.padding_sets:
                progress(f"{meta.name} padding: {name}")
                texts, pairs, fingerprint = _texts(name, config)
                sets[name] = {"data_fingerprint": fingerprint,
                              **measure_set(prepared, tokenizer, texts, pairs,
                                            min(FIXED_LENGTH[name], limit), config)}
        finally:
            prepared.close()
        runtime = runtime_record(config, model)
        runtime.update(backend=backend.name, precision=backend.precision)
        return SuiteOutput(
            metrics={"sets": sets, "batch_size": config.batch_size,
                     "tokenizer": tokenizer_source, "backend": backend.name,
                     "inputs": "the sets' real token ids and lengths"},
            runtime=runtime, weights=weights, family=meta.family,
        )

    def table(self, results: list[JobResult]) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for r in ok_results(results):
            for name, s in r.metrics["sets"].items():
                st, lengths = s["strategies"], s["lengths"]
                rows.append({
                    "model": model_label(r), "backend": r.metrics.get("backend"), "set": name,
                    "texts": lengths["n"], "p50 tokens": lengths["p50"],
                    "p90 tokens": lengths["p90"],
                    "truncated %": round(100 * lengths["truncated_share"], 1),
                    "fixed len": s["fixed_length"],
                    "fixed s": st["fixed"]["total_s"],
                    "dynamic s": st["dynamic"]["total_s"],
                    "bucketed s": st["bucketed"]["total_s"],
                    "× dynamic": st["dynamic"]["speedup_vs_fixed"],
                    "× bucketed": st["bucketed"]["speedup_vs_fixed"],
                    "pad % fixed": round(100 * st["fixed"]["pad_fraction"], 1),
                    "pad % bucketed": round(100 * st["bucketed"]["pad_fraction"], 1),
                })
                if disturbed := [k for k, v in st.items() if v.get("disturbed")]:
                    rows[-1]["disturbed"] = ", ".join(disturbed)
        return pd.DataFrame(rows)
