"""Answer SQuAD questions one at a time, as a deployed reader does, timing each question.

A question's windows go through the model in one forward pass (padded to the longest window),
so the time recorded per question is what answering it costs at the suite's maximum length:
QA accuracy and its cost come from the same calls. No untimed batching shortcut exists, so the
two cannot drift apart.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from harness.data.squad import QAExample
from harness.qa.processing import (
    Prediction,
    Window,
    Windowing,
    batch_inputs,
    best_answer,
    windows,
)

WARMUP_QUESTIONS = 3  # answered once untimed first: the first calls pay for allocation
SpanLogits = Callable[[dict[str, Any]], tuple[np.ndarray, np.ndarray]]


def eager_span_logits(model: Any) -> SpanLogits:
    """The fp32 PyTorch model's start and end logits of a batch of windows."""
    import torch

    def call(inputs: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        with torch.inference_mode():
            out = model(**inputs)
        return out.start_logits.float().numpy(), out.end_logits.float().numpy()

    return call


def question_windows(examples: list[QAExample], tokenizer: Any, w: Windowing
                     ) -> list[list[Window]]:
    """Each question's windows, tokenized once for every pass over the questions."""
    grouped: list[list[Window]] = [[] for _ in examples]
    for window in windows(examples, tokenizer, w):
        grouped[window.example].append(window)
    return grouped


def answer_all(span_logits: SpanLogits, tokenizer: Any, examples: list[QAExample],
               grouped: list[list[Window]], w: Windowing, token_types: bool,
               progress: Callable[[str], None]) -> tuple[list[Prediction], dict[str, Any]]:
    """Predictions in example order (``grouped``: :func:`question_windows`), and the
    per-question latency record."""
    for group in grouped[:WARMUP_QUESTIONS]:
        span_logits(batch_inputs(group, tokenizer, token_types))
    predictions, seconds = [], []
    for i, (example, group) in enumerate(zip(examples, grouped, strict=True)):
        if i % 100 == 0:
            progress(f"question {i + 1}/{len(examples)}")
        inputs = batch_inputs(group, tokenizer, token_types)
        t0 = time.perf_counter()
        starts, ends = span_logits(inputs)
        seconds.append(time.perf_counter() - t0)
        predictions.append(best_answer(example, group, list(starts), list(ends), w))
    lengths = [len(x.input_ids) for group in grouped for x in group]
    ms = np.array(seconds) * 1e3
    latency = {
        "p50_ms_per_question": round(float(statistics.median(ms)), 3),
        "p90_ms_per_question": round(float(np.percentile(ms, 90)), 3),
        "mean_ms_per_question": round(float(ms.mean()), 3),
        "questions": len(examples),
        "windows_per_question": round(len(lengths) / len(examples), 3),
        "mean_tokens_per_window": round(float(np.mean(lengths)), 1),
        "max_tokens_per_window": int(max(lengths)),
        "how": "one forward pass per question over all its windows, batch = its windows, "
               f"after {WARMUP_QUESTIONS} untimed questions; tokenizing, padding and span "
               "search excluded",
    }
    return predictions, latency
