"""SQuAD's official metrics: answer normalisation, exact match, token F1, the HasAns/NoAns
split and the v2.0 no-answer threshold, as the official ``evaluate-v2.0.py`` defines them.

Written out here because the official evaluation is a standalone script, not a library, and
the ``evaluate`` package fetches its metric code from the hub (this suite must score offline).
The two scripts differ where a gold answer normalises to nothing, and each version is scored
by its own: v1.1 (``evaluate-v1.1.py``, ``metrics/squad/compute_score.py`` in
huggingface/evaluate) keeps every gold answer and scores F1 0 when no token is shared, two
empty sides included; v2.0 (``evaluate-v2.0.py``, ``metrics/squad_v2/compute_score.py``)
drops gold answers that normalise to nothing, scores two empty sides F1 1, and counts a
question HasAns when it lists any answer. ``tests/suites/squad/test_metrics.py`` checks
worked examples derived from both scripts.

Per question, a prediction is the best non-null span's text and its ``null_odds`` (the null
score minus the best span's score). At a threshold ``t`` the question is answered "no answer"
when ``null_odds > t``. v1.1 questions are all answerable and never predicted null.
"""

from __future__ import annotations

import collections
import re
import string
from collections.abc import Sequence
from typing import Any

import numpy as np

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower case, drop punctuation and the articles a/an/the, collapse whitespace."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def _tokens(text: str) -> list[str]:
    return normalize_answer(text).split() if text else []


def exact(gold: str, prediction: str) -> int:
    """Both scripts: the normalised strings are equal (two empty ones are)."""
    return int(normalize_answer(gold) == normalize_answer(prediction))


def f1(gold: str, prediction: str, version: str = "2.0") -> float:
    """Token-overlap F1. v2.0's ``compute_f1``: when either side has no tokens (a "no
    answer", or text that normalises to nothing), 1 if both are empty, else 0. v1.1's
    ``f1_score`` has no such rule: no common token is 0, both empty included."""
    gold_tokens, pred_tokens = _tokens(gold), _tokens(prediction)
    if version != "1.1" and (not gold_tokens or not pred_tokens):
        return float(gold_tokens == pred_tokens)
    same = sum((collections.Counter(gold_tokens) & collections.Counter(pred_tokens)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred_tokens), same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def gold_answers(answers: Sequence[str], version: str = "2.0") -> list[str]:
    """The answers a prediction is scored against. v2.0's ``get_raw_scores`` keeps those
    that normalise to something and scores against ``[""]`` when none does; v1.1's
    ``metric_max_over_ground_truths`` takes every answer as it is."""
    if version == "1.1":
        return list(answers) or [""]
    return [a for a in answers if normalize_answer(a)] or [""]


def has_answers(golds: Sequence[Sequence[str]]) -> np.ndarray:
    """v2.0's ``make_qid_to_has_ans``: a question is HasAns when it lists any answer at all,
    even one that normalises to nothing."""
    return np.array([bool(answers) for answers in golds], dtype=bool)


def raw_scores(golds: Sequence[Sequence[str]], predictions: Sequence[str],
               version: str = "2.0") -> tuple[np.ndarray, np.ndarray]:
    """Per question, the best EM and F1 over its gold answers, by ``version``'s script."""
    pairs = [(gold_answers(gs, version), p) for gs, p in zip(golds, predictions, strict=True)]
    em = np.array([max(exact(g, p) for g in gs) for gs, p in pairs], dtype=float)
    tf1 = np.array([max(f1(g, p, version) for g in gs) for gs, p in pairs], dtype=float)
    return em, tf1


def apply_threshold(scores: np.ndarray, null_odds: np.ndarray, has_answer: np.ndarray,
                    threshold: float) -> np.ndarray:
    """Scores once questions with ``null_odds > threshold`` are answered "no answer": 1 where
    there is none, 0 where there is one."""
    predicted_null = null_odds > threshold
    return np.where(predicted_null, (~has_answer).astype(float), scores)


def best_threshold(scores: np.ndarray, null_odds: np.ndarray, has_answer: np.ndarray,
                   answered: np.ndarray | None = None) -> tuple[float, float]:
    """The official ``find_best_thresh``: (best mean score in percent, its threshold).

    Start from every question predicted null, then answer them in order of rising null odds
    (a HasAns question gains its score; a NoAns one loses 1 where the prediction is a
    non-empty text, ``answered``); the best prefix sets the threshold. When answering none
    is best, the threshold lies below every question's odds (the official script writes 0.0
    there, which does not reproduce its own score when odds can be negative, as here)."""
    answered = np.ones(len(scores), dtype=bool) if answered is None else answered
    order = np.argsort(null_odds, kind="stable")
    current = best = float((~has_answer).sum())
    threshold = float(null_odds.min()) - 1.0 if len(null_odds) else 0.0
    for i in order:
        current += scores[i] if has_answer[i] else (-1.0 if answered[i] else 0.0)
        if current > best:
            best, threshold = current, float(null_odds[i])
    return 100.0 * best / len(scores), threshold


def bootstrap_ci(values: np.ndarray, n_resamples: int, seed: int) -> list[float] | None:
    """95% percentile-bootstrap interval of the mean (scipy), in percent; None below 2 rows."""
    from scipy.stats import bootstrap

    if len(values) < 2 or np.all(values == values[0]):
        return None if len(values) < 2 else [100 * float(values[0])] * 2
    result = bootstrap((values,), np.mean, n_resamples=n_resamples, method="percentile",
                       confidence_level=0.95, rng=np.random.default_rng(seed))
    return [round(100 * float(result.confidence_interval.low), 3),
            round(100 * float(result.confidence_interval.high), 3)]


def _summary(em: np.ndarray, tf1: np.ndarray, mask: np.ndarray, n_resamples: int, seed: int
             ) -> dict[str, Any]:
    if not mask.any():
        return {"n": 0}
    return {"n": int(mask.sum()),
            "exact": round(100 * float(em[mask].mean()), 3),
            "f1": round(100 * float(tf1[mask].mean()), 3),
            "ci95": {"exact": bootstrap_ci(em[mask], n_resamples, seed),
                     "f1": bootstrap_ci(tf1[mask], n_resamples, seed)}}


def squad_scores(golds: Sequence[Sequence[str]], predictions: Sequence[str],
                 null_odds: Sequence[float], *, version: str, n_resamples: int = 1000,
                 seed: int = 0) -> dict[str, Any]:
    """EM and F1 (percent, with bootstrap CIs) overall and on HasAns / NoAns; for v2.0 at
    null threshold 0 and at the best threshold on these questions, reported separately."""
    has_answer = has_answers(golds)
    em, tf1 = raw_scores(golds, predictions, version)
    answered = np.array([bool(p) for p in predictions], dtype=bool)
    odds = np.asarray(null_odds, dtype=float)
    everything = np.ones(len(em), dtype=bool)
    if version == "1.1":
        return {"threshold_0": {**_summary(em, tf1, everything, n_resamples, seed),
                                "has_ans": _summary(em, tf1, has_answer, n_resamples, seed)}}
    out: dict[str, Any] = {}
    em0 = apply_threshold(em, odds, has_answer, 0.0)
    f10 = apply_threshold(tf1, odds, has_answer, 0.0)
    out["threshold_0"] = {**_summary(em0, f10, everything, n_resamples, seed),
                          "has_ans": _summary(em0, f10, has_answer, n_resamples, seed),
                          "no_ans": _summary(em0, f10, ~has_answer, n_resamples, seed)}
    best_em, em_threshold = best_threshold(em, odds, has_answer, answered)
    best_f1, f1_threshold = best_threshold(tf1, odds, has_answer, answered)
    em_b = apply_threshold(em, odds, has_answer, em_threshold)
    f1_b = apply_threshold(tf1, odds, has_answer, f1_threshold)
    out["best_threshold"] = {
        "n": len(em), "exact": round(best_em, 3), "f1": round(best_f1, 3),
        "exact_threshold": round(em_threshold, 4), "f1_threshold": round(f1_threshold, 4),
        "ci95": {"exact": bootstrap_ci(em_b, n_resamples, seed),
                 "f1": bootstrap_ci(f1_b, n_resamples, seed)},
        "note": "threshold chosen on the evaluated questions themselves (optimistic), as the "
                "official script's best_exact / best_f1",
    }
    return out



def headline(scores: dict[str, Any], version: str) -> dict[str, Any]:
    """The figures claims and backend losses are judged on: the best no-answer threshold for
    v2.0 (BERT's reference recipe tunes it on dev), threshold 0 for v1.1 (it has none)."""
    return scores["best_threshold" if version == "2.0" else "threshold_0"]


def score_predictions(golds: Sequence[Sequence[str]], predictions: Sequence[Any], *,
                      version: str, n_resamples: int, seed: int) -> dict[str, Any]:
    """:func:`squad_scores` of span predictions (``.text``, ``.null_odds``)."""
    return squad_scores(golds, [p.text for p in predictions],
                        [p.null_odds for p in predictions], version=version,
                        n_resamples=n_resamples, seed=seed)
