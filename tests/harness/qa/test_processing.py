"""Windows over long contexts, answers mapped back through offsets, the best span and the
null score chosen as BERT's reference post-processing does."""

from __future__ import annotations

import numpy as np
import pytest

from harness.data.squad import QAExample
from harness.qa.processing import Windowing, best_answer, training_windows, windows
from tests.accuracy_data import write_tokenizer


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(write_tokenizer("bert", tmp_path_factory.mktemp("tok")))


def _example(n_words: int, at: int) -> QAExample:
    words = [f"word{i % 60}" for i in range(n_words)]
    words[at] = "report7"
    context = " ".join(words)
    start = len(" ".join(words[:at])) + 1
    return QAExample("q", "", context, "which shock1 ?", ("report7",), (start,))


def test_long_context_gets_overlapping_windows_that_map_back(tokenizer):
    example = _example(60, 45)
    w = Windowing(max_length=32, doc_stride=8)
    got = windows([example], tokenizer, w)
    assert len(got) > 1 and all(len(x.input_ids) <= 32 for x in got)
    assert all(x.cls_index == 0 and x.input_ids[0] == tokenizer.cls_token_id for x in got)
    for x in got:  # every context token's offsets cut out that token's text
        for token_id, offset in zip(x.input_ids, x.offsets, strict=True):
            if offset is not None:
                assert example.context[offset[0]:offset[1]] == tokenizer.convert_ids_to_tokens(
                    token_id)
    labelled = training_windows([example], tokenizer, w)
    holding = [(x, s, e) for x, s, e in labelled if s != x.cls_index]
    assert holding and all(example.context[x.offsets[s][0]:x.offsets[e][1]] == "report7"
                           for x, s, e in holding)
    assert any(s == e == x.cls_index for x, s, e in labelled)  # windows without the answer


def test_best_span_and_null_odds_by_hand(tokenizer):
    example = _example(10, 4)
    w = Windowing(max_length=64, doc_stride=16, max_answer_length=3)
    (window,) = windows([example], tokenizer, w)
    n = len(window.input_ids)
    answer = next(k for k, o in enumerate(window.offsets)
                  if o and example.context[o[0]:o[1]] == "report7")
    start, end = np.full(n, -100.0), np.full(n, -100.0)
    start[answer], end[answer] = 5.0, 4.0
    start[0], end[0] = 2.0, 1.0  # null score 3
    start[1] = 9.0  # a question token: never an answer
    end[answer - 1] = 8.0  # ends before its start: not a span
    prediction = best_answer(example, [window], [start], [end], w)
    assert prediction.text == "report7" and prediction.null_odds == pytest.approx(3.0 - 9.0)
    end[answer + 5] = 20.0  # only a span longer than max_answer_length ends here
    assert best_answer(example, [window], [start], [end], w).text == "report7"
