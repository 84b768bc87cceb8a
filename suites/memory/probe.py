"""One memory point in a fresh process: RSS after imports, after load, and forward-pass peak.

Runs standalone too, so that an outside tool can measure the same work::

    /usr/bin/time -v python -m suites.memory.probe --model mobilebert --batch 8 --seq 512
"""

from __future__ import annotations

import argparse
import gc
import json
import sys

from suites.memory.config import RESULT_PREFIX, MemoryConfig
from suites.memory.tracker import (
    RssSampler,
    high_water_mark_mib,
    reset_high_water_mark,
    rss_mib,
    ru_maxrss_mib,
)


def _release_freed_heap() -> None:
    """Hand freed malloc arenas back to the OS (glibc), so that RSS after a conversion counts
    what the backend keeps, not what the dropped fp32 model left behind in the heap."""
    import contextlib
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name:
        with contextlib.suppress(OSError, AttributeError):  # not glibc
            ctypes.CDLL(name).malloc_trim(0)


def measure_point(spec: dict) -> dict:
    rss_start = rss_mib()
    import torch
    from transformers import AutoModelForSequenceClassification

    from harness.backends import get_backend
    from harness.inputs import synthetic_batch
    from harness.runtime import configure_torch, runtime_record, unsupported_seq_len
    from models_registry.loading import load_classifier
    from models_registry.meta import ModelMeta
    from models_registry.weights import ResolvedWeights

    config = MemoryConfig.from_dict(spec["config"])
    configure_torch(config)
    meta = ModelMeta.from_dict(spec["meta"])
    # transformers imports a family's modeling code lazily (~125 MiB for BERT): count it here,
    # not as part of the weights.
    AutoModelForSequenceClassification._model_mapping[type(meta.build_config())]
    gc.collect()
    rss_after_imports = rss_mib()

    weights = ResolvedWeights(**{k: v for k, v in spec["weights"].items() if k != "weights"})
    model = load_classifier(
        meta, weights, attn_implementation=config.attn_implementation, seed=config.seed
    )
    batch_size, seq_len = spec["batch_size"], spec["seq_len"]
    reason = unsupported_seq_len(model, seq_len)
    if reason:
        raise ValueError(reason)
    inputs = synthetic_batch(batch_size, seq_len, model.config.vocab_size, config.seed)
    gc.collect()
    rss_after_load = rss_mib()
    peak_load = high_water_mark_mib()

    # The backend's conversion (export, quantization, cast) happens here; the fp32 PyTorch
    # model is then dropped, so a converted backend is charged for what it keeps.
    prepared = get_backend(config.backend).prepare(model, inputs)
    runtime = runtime_record(config, model)
    del model
    gc.collect()
    _release_freed_heap()
    rss_after_prepare = rss_mib()
    peak_prepare = high_water_mark_mib()

    hwm_reset = reset_high_water_mark()
    with RssSampler(config.sample_interval_ms / 1e3) as sampler, torch.inference_mode():
        for _ in range(config.forward_passes):
            prepared.call(inputs)
    hwm = high_water_mark_mib() if hwm_reset else None
    peak = hwm if hwm is not None else sampler.peak_mib
    return {
        "batch_size": batch_size,
        "seq_len": seq_len,
        "rss_start_mib": rss_start,
        "rss_after_imports_mib": rss_after_imports,
        "rss_after_load_mib": rss_after_load,
        "peak_load_mib": peak_load,
        "peak_forward_mib": peak,
        "peak_forward_source": "VmHWM after clear_refs" if hwm is not None else "sampled RSS",
        "peak_forward_sampled_mib": sampler.peak_mib,
        "sampler_interval_ms": round(sampler.mean_interval_ms, 3),
        "sampler_samples": sampler.samples,
        "ru_maxrss_mib": ru_maxrss_mib(),
        "rss_after_prepare_mib": rss_after_prepare,
        "peak_prepare_mib": peak_prepare,
        "prepare_s": round(prepared.prepare_s, 3),
        "backend": config.backend,
        "delta_load_mib": rss_after_load - rss_after_imports,
        "delta_forward_mib": peak - rss_after_prepare,
        "runtime": {**runtime, "backend_details": prepared.details},
    }


def _spec_from_args(args: argparse.Namespace) -> dict:
    """A standalone point: resolve the model as a job would."""
    from harness.backends import get_backend
    from harness.runtime import resolve_for_job
    from models_registry import resolve_model_spec

    meta = resolve_model_spec(args.model)
    config = MemoryConfig(threads=args.threads, weights=args.weights, backend=args.backend,
                          attn_implementation=get_backend(args.backend).attn_implementation)
    weights, meta = resolve_for_job(meta, config)
    return {
        "meta": meta.to_dict(), "weights": weights.to_dict(), "config": config.to_dict(),
        "batch_size": args.batch, "seq_len": args.seq,
    }


def main(argv: list[str] | None = None) -> int:
    from harness.lifecycle import die_with_parent

    die_with_parent()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", help="JSON file written by the memory suite")
    parser.add_argument("--model", help="registry name, hf:<id> or a local model directory")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=512)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--weights", choices=["auto", "random-init"], default="auto")
    parser.add_argument("--backend", default="pytorch-sdpa")
    args = parser.parse_args(argv)
    if args.spec:
        with open(args.spec, encoding="utf-8") as handle:
            spec = json.load(handle)
    elif args.model:
        spec = _spec_from_args(args)
    else:
        parser.error("give --spec FILE or --model NAME")
    result = measure_point(spec)
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
