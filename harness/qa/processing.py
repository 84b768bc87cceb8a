"""SQuAD pre- and post-processing as BERT's reference ``run_squad`` and transformers'
``run_qa`` do it: question + context windows of ``max_length`` tokens overlapping by
``doc_stride``, the best span over every window from the ``n_best`` start and end logits (at
most ``max_answer_length`` tokens), and the null score as the smallest [CLS] start + end over
the windows. A window's tokens map back to the context through the tokenizer's offsets, so
the answer is the original context text, as the official metric expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.data.squad import QAExample

MAX_LENGTH = 384
DOC_STRIDE = 128
N_BEST = 20
MAX_ANSWER_LENGTH = 30


@dataclass(frozen=True)
class Windowing:
    max_length: int = MAX_LENGTH
    doc_stride: int = DOC_STRIDE
    n_best: int = N_BEST
    max_answer_length: int = MAX_ANSWER_LENGTH


@dataclass
class Window:
    """One model input: a question with one stretch of its context."""

    example: int  # index into the examples
    input_ids: list[int]
    token_type_ids: list[int] | None
    offsets: list[tuple[int, int] | None]  # context characters per token, None elsewhere
    cls_index: int


def check_tokenizer(tokenizer: Any, name: str) -> None:
    if not getattr(tokenizer, "is_fast", False):
        raise ValueError(f"{name}: the tokenizer is not a fast (Rust) tokenizer, so it has no "
                         "character offsets for mapping answers back to the context; save the "
                         "model with its tokenizer.json (tokenizer.save_pretrained(DIR))")
    if tokenizer.padding_side != "right":
        raise ValueError(f"{name}: the tokenizer pads on the {tokenizer.padding_side}; SQuAD "
                         "windows are built for right padding (the context comes second)")


def windows(examples: list[QAExample], tokenizer: Any, w: Windowing) -> list[Window]:
    """Every example's windows, in example order."""
    encoded = tokenizer(
        [e.question.lstrip() for e in examples], [e.context for e in examples],
        truncation="only_second", max_length=w.max_length, stride=w.doc_stride,
        return_overflowing_tokens=True, return_offsets_mapping=True, padding=False,
    )
    out = []
    for i, ids in enumerate(encoded["input_ids"]):
        sequence = encoded.sequence_ids(i)
        offsets = [tuple(o) if sequence[k] == 1 else None
                   for k, o in enumerate(encoded["offset_mapping"][i])]
        types = encoded["token_type_ids"][i] if "token_type_ids" in encoded else None
        out.append(Window(encoded["overflow_to_sample_mapping"][i], ids, types, offsets,
                          ids.index(tokenizer.cls_token_id)))
    return out


def accepts_token_types(model: Any) -> bool:
    """DistilBERT has no segment embeddings; BERT and MobileBERT take them."""
    import inspect

    return "token_type_ids" in inspect.signature(model.forward).parameters


def batch_inputs(group: list[Window], tokenizer: Any, accepts_token_types: bool
                 ) -> dict[str, Any]:
    """Windows padded to the longest of them, as tensors."""
    features = [{"input_ids": w.input_ids,
                 **({"token_type_ids": w.token_type_ids}
                    if accepts_token_types and w.token_type_ids is not None else {})}
                for w in group]
    return dict(tokenizer.pad(features, padding="longest", return_tensors="pt"))


@dataclass(frozen=True)
class Prediction:
    text: str  # the best non-null span ("" when no window holds a valid span)
    null_odds: float  # null score minus the best span's score: > threshold means "no answer"


def best_answer(example: QAExample, group: list[Window], starts: list[np.ndarray],
                ends: list[np.ndarray], w: Windowing) -> Prediction:
    """The best span over an example's windows, and its odds against "no answer"."""
    best_score, best_span = -np.inf, None
    null_score = np.inf
    for window, start, end in zip(group, starts, ends, strict=True):
        null_score = min(null_score, float(start[window.cls_index] + end[window.cls_index]))
        top_starts = np.argsort(start)[::-1][:w.n_best]
        top_ends = np.argsort(end)[::-1][:w.n_best]
        for s in top_starts:
            if s >= len(window.offsets) or window.offsets[s] is None:
                continue
            for e in top_ends:
                if e >= len(window.offsets) or window.offsets[e] is None or e < s:
                    continue
                if e - s + 1 > w.max_answer_length:
                    continue
                score = float(start[s] + end[e])
                if score > best_score:
                    best_score, best_span = score, (window.offsets[s][0], window.offsets[e][1])
    if best_span is None:
        return Prediction("", np.inf)
    return Prediction(example.context[best_span[0]:best_span[1]], null_score - best_score)


def training_windows(examples: list[QAExample], tokenizer: Any, w: Windowing
                     ) -> list[tuple[Window, int, int]]:
    """Windows with their answer's start and end token (the [CLS] index when the window does
    not hold the whole answer, or the question has none), for fine-tuning."""
    out = []
    for window in windows(examples, tokenizer, w):
        example = examples[window.example]
        start = end = window.cls_index
        if example.has_answer:
            first = example.answer_starts[0]
            last = first + len(example.answers[0])
            inside = [k for k, o in enumerate(window.offsets) if o is not None]
            if inside and window.offsets[inside[0]][0] <= first and \
                    window.offsets[inside[-1]][1] >= last:
                start = next(k for k in inside if window.offsets[k][1] > first)
                end = next(k for k in reversed(inside) if window.offsets[k][0] < last)
        out.append((window, start, end))
    return out
