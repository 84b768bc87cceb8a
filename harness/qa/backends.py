"""The same questions answered through another inference backend (``--backends``: int8,
bf16, torch.compile), beside fp32 eager: what the conversion costs in EM / F1 on real
questions, how often the answer changes, and what it buys per question.

Backends convert sequence classifiers (``harness.backends``); a span model is handed to them
behind a thin module whose ``logits`` are start and end stacked, so the conversion timed by the
latency suite is the one scored here. The ONNX export is built for classifiers' inputs and
outputs, so ONNX Runtime backends are recorded as skipped with that reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from harness.qa.answering import answer_all
from harness.qa.metrics import headline, score_predictions
from harness.qa.processing import Prediction, Window, Windowing, batch_inputs


def span_skip(name: str) -> str:
    """Why a backend that converts sequence classifiers only is not scored on span models."""
    return f"backend {name!r} converts sequence classifiers only, not span (QA) models"


def _as_classifier(model: Any) -> Any:
    """``model`` with ``outputs.logits`` = (batch, seq, 2) start/end logits."""
    from types import SimpleNamespace

    import torch

    class SpanLogits(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner
            self.config = inner.config

        def forward(self, **batch: Any) -> Any:
            out = self.inner(**batch)
            return SimpleNamespace(logits=torch.stack([out.start_logits, out.end_logits], -1))

        def set_attn_implementation(self, name: str) -> None:
            self.inner.set_attn_implementation(name)

    return SpanLogits(model).eval()


def rescore(model: Any, tokenizer: Any, examples: list, grouped: list[list[Window]],
            w: Windowing, token_types: bool, version: str,
            reference: tuple[list[Prediction], dict[str, Any], dict[str, Any]],
            backends: tuple[str, ...], config: Any, progress: Callable[[str], None],
            ) -> dict[str, Any]:
    from harness.backends import get_backend

    ref_predictions, ref_scores, ref_latency = reference
    ref_f1 = headline(ref_scores, version)["f1"]
    golds = [e.answers for e in examples]
    out: dict[str, Any] = {}
    for name in backends:
        backend = get_backend(name)
        if not backend.converts_span_models:
            out[name] = {"skipped": span_skip(name)}
            continue
        if reason := backend.unavailable():
            out[name] = {"skipped": reason}
            continue
        progress(f"SQuAD v{version}: answering again through {name}")
        wrapped = _as_classifier(model)
        example = batch_inputs(grouped[0], tokenizer, token_types)
        prepared = backend.prepare(wrapped, example)
        try:
            def span_logits(inputs: dict[str, Any], prepared=prepared):
                logits = prepared.logits(inputs)
                return logits[..., 0], logits[..., 1]

            predictions, latency = answer_all(span_logits, tokenizer, examples, grouped, w,
                                              token_types, progress)
        finally:
            prepared.close()
        scores = score_predictions(golds, predictions, version=version,
                                   n_resamples=config.n_bootstrap, seed=config.seed)
        f1 = headline(scores, version)["f1"]
        same = [a.text == b.text and (a.null_odds > 0) == (b.null_odds > 0)
                for a, b in zip(ref_predictions, predictions, strict=True)]
        out[name] = {
            "precision": backend.precision, "details": prepared.details,
            "prepare_s": round(prepared.prepare_s, 3), "scores": scores,
            "f1_delta_pts": round(float(f1 - ref_f1), 3),
            "f1_relative_loss_pct": (round(float(100 * (ref_f1 - f1) / ref_f1), 3) if ref_f1
                                     else None),
            "agreement": round(float(np.mean(same)), 4),
            "p50_ms_per_question": latency["p50_ms_per_question"],
            "speedup_p50": round(float(ref_latency["p50_ms_per_question"]
                                       / latency["p50_ms_per_question"]), 3),
        }
    return out

