"""SQuAD's official metric definitions, worked through by hand."""

from __future__ import annotations

import numpy as np
import pytest

from harness.qa.metrics import (
    apply_threshold,
    best_threshold,
    exact,
    f1,
    gold_answers,
    normalize_answer,
    raw_scores,
    squad_scores,
)


def test_normalisation_drops_case_punctuation_articles_and_spaces():
    assert normalize_answer("The  Eiffel-Tower!") == "eiffeltower"
    assert normalize_answer("an apple, a pear and THE plum") == "apple pear and plum"
    assert normalize_answer("theatre") == "theatre"  # 'the' only as a word


def test_exact_and_f1_worked_examples():
    assert exact("The Cat", "cat.") == 1 and exact("cat", "cats") == 0
    # gold [cat, sat], prediction [cat, sat, down]: P = 2/3, R = 1, F1 = 2PR/(P+R) = 0.8
    assert f1("the cat sat", "cat sat down") == pytest.approx(0.8)
    # gold [a1, b, b], prediction [b, b, b, c]: overlap counts b twice: P = 2/4, R = 2/3
    assert f1("a1 b b", "b b b c") == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert f1("cat", "dog") == 0.0
    assert f1("", "") == 1.0 and f1("", "cat") == 0.0 and f1("cat", "") == 0.0


def test_best_over_gold_answers_and_unanswerable_gold():
    assert gold_answers(["", "  ", "Paris"]) == ["Paris"]
    assert gold_answers([]) == [""]
    em, tf1 = raw_scores([["Paris", "the city of Paris"], []], ["city of Paris", ""])
    assert list(em) == [1.0, 1.0] and list(tf1) == [1.0, 1.0]


def test_threshold_and_best_threshold_by_hand():
    # q0 answerable, right (1); q1 answerable, wrong (0); q2 and q3 unanswerable.
    scores = np.array([1.0, 0.0, 0.0, 0.0])
    has = np.array([True, True, False, False])
    odds = np.array([-2.0, 1.0, 3.0, -1.0])
    # threshold 0: q1 and q2 are called null; q1 scores 0 (it had an answer), q2 scores 1.
    assert list(apply_threshold(scores, odds, has, 0.0)) == [1.0, 0.0, 1.0, 0.0]
    # all null: 2 of 4 right. Answer in rising odds: q0 (+1 -> 3), q3 (-1 -> 2), q1 (+0),
    # q2 (-1): best is 3 of 4 after q0, so the threshold is q0's odds.
    assert best_threshold(scores, odds, has) == (75.0, -2.0)
    assert list(apply_threshold(scores, odds, has, -2.0)) == [1.0, 0.0, 1.0, 1.0]


def test_scores_report_both_thresholds_and_the_splits():
    golds = [["red"], ["blue sky"], [], []]
    result = squad_scores(golds, ["red", "sky", "green", "x"], [-1.0, -1.0, 2.0, -0.5],
                          version="2.0", n_resamples=200, seed=0)
    zero = result["threshold_0"]
    # q0 EM 1; q1 F1 2/3 (EM 0); q2 null and right; q3 answered and wrong.
    assert zero["exact"] == 50.0 and zero["f1"] == pytest.approx(100 * (1 + 2 / 3 + 1) / 4,
                                                                 abs=1e-3)
    assert zero["has_ans"]["n"] == 2 and zero["no_ans"]["exact"] == 50.0
    low, high = zero["ci95"]["f1"]
    assert low <= zero["f1"] <= high
    best = result["best_threshold"]
    assert best["exact"] == 75.0 and best["exact_threshold"] == -1.0  # q3 null too
    v1 = squad_scores([["red"]] * 3, ["red", "red", "no"], [0.0] * 3, version="1.1",
                      n_resamples=200, seed=0)
    assert set(v1) == {"threshold_0"} and v1["threshold_0"]["exact"] == pytest.approx(66.667)


# Worked examples derived from the official scripts (evaluate-v1.1.py / evaluate-v2.0.py,
# huggingface/evaluate metrics/squad and metrics/squad_v2 compute_score.py), at the inputs
# where the two differ: a gold answer that normalises to nothing.
def test_v1_keeps_every_gold_answer_and_scores_two_empty_sides_f1_zero():
    # metric_max_over_ground_truths(exact_match_score, "a", ["Paris", "the"]): "" == "" → 1
    em, tf1 = raw_scores([["Paris", "the"]], ["a"], "1.1")
    assert list(em) == [1.0] and list(tf1) == [0.0]  # f1_score: num_same == 0 → 0
    em, tf1 = raw_scores([["The"]], ["the"], "1.1")
    assert list(em) == [1.0] and list(tf1) == [0.0]
    scores = squad_scores([["The"], ["Paris"]], ["the", "Paris"], [0.0, 0.0], version="1.1",
                          n_resamples=50, seed=0)["threshold_0"]
    assert scores["exact"] == 100.0 and scores["f1"] == 50.0


def test_v2_drops_empty_gold_answers_but_counts_the_question_has_ans():
    # get_raw_scores: gold ["The"] → [""]; compute_f1("", "the"): both token lists empty → 1
    em, tf1 = raw_scores([["The"]], ["the"], "2.0")
    assert list(em) == [1.0] and list(tf1) == [1.0]
    # make_qid_to_has_ans: bool(answers) → q1 is HasAns; predicted null at threshold 0 it
    # scores float(not has_ans) = 0 (apply_no_ans_threshold).
    result = squad_scores([["Paris"], ["the"]], ["Paris", "x"], [-1.0, 0.5], version="2.0",
                          n_resamples=50, seed=0)["threshold_0"]
    assert result["exact"] == 50.0 and result["has_ans"]["n"] == 2
    assert result["no_ans"] == {"n": 0}


def test_best_threshold_charges_a_no_answer_question_only_for_a_non_empty_prediction():
    # find_best_thresh: NoAns with preds[qid] "" → diff 0, with text → diff -1.
    scores, has = np.array([0.0, 1.0]), np.array([False, True])
    odds = np.array([-1.0, 0.0])
    assert best_threshold(scores, odds, has, np.array([False, True])) == (100.0, 0.0)
    assert best_threshold(scores, odds, has, np.array([True, True])) == (50.0, -2.0)
