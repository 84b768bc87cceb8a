"""Metrics equal scikit-learn's on the same predictions; CIs, ECE and McNemar behave."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
)

from harness.accuracy.metrics import (
    bootstrap_ci,
    classification_metrics,
    expected_calibration_error,
    mcnemar,
)


@pytest.fixture
def predictions():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 500)
    probs = rng.dirichlet([1, 1], 500)
    probs[y == 1] = probs[y == 1][:, ::-1] * 0.3 + probs[y == 1] * 0.7  # some signal
    return y, probs


def test_point_metrics_match_sklearn(predictions):
    y, probs = predictions
    pred = probs.argmax(1)
    m = classification_metrics(y, probs, ("real", "fake"), positive="fake")
    assert m["accuracy"] == pytest.approx(accuracy_score(y, pred))
    assert m["f1_weighted"] == pytest.approx(f1_score(y, pred, average="weighted"))
    assert m["precision_weighted"] == pytest.approx(precision_score(y, pred, average="weighted"))
    assert m["recall_weighted"] == pytest.approx(recall_score(y, pred, average="weighted"))
    assert m["per_class"]["fake"]["f1"] == pytest.approx(f1_score(y, pred, pos_label=1))
    tn, fp, fn, tp = confusion_matrix(y, pred).ravel()
    assert m["confusion_matrix"]["rows_true_cols_pred"] == [[tn, fp], [fn, tp]]
    assert m["fpr"] == pytest.approx(fp / (fp + tn))
    assert m["fnr"] == pytest.approx(fn / (fn + tp))


def test_bootstrap_ci_brackets_the_estimate_and_shrinks_with_n(predictions):
    y, probs = predictions
    pred = probs.argmax(1)
    ci = bootstrap_ci(y, pred, 2, seed=0)
    acc = accuracy_score(y, pred)
    assert ci["accuracy"][0] < acc < ci["accuracy"][1]
    f1 = f1_score(y, pred, average="weighted")
    assert ci["f1_weighted"][0] < f1 < ci["f1_weighted"][1]
    big = bootstrap_ci(np.tile(y, 16), np.tile(pred, 16), 2, seed=0)
    assert np.diff(big["accuracy"])[0] < np.diff(ci["accuracy"])[0] / 2


def test_ece_by_hand():
    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.4, 0.6], [0.3, 0.7]])
    y = np.array([0, 1, 1, 1])  # confidences 0.9, 0.8, 0.6, 0.7 → bins of width 1/15
    by_hand = (abs(1 - 0.9) + abs(0 - 0.8) + abs(1 - 0.6) + abs(1 - 0.7)) / 4
    assert expected_calibration_error(y, probs) == pytest.approx(by_hand)
    perfect = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert expected_calibration_error(np.array([0, 1]), perfect) == pytest.approx(0.0)


def test_mcnemar_exact():
    from scipy.stats import binomtest

    a = np.array([True] * 30 + [False] * 5 + [True] * 60)
    b = np.array([False] * 30 + [True] * 5 + [True] * 60)
    result = mcnemar(a, b)
    assert (result["only_a_correct"], result["only_b_correct"]) == (30, 5)
    assert result["p_value"] == pytest.approx(binomtest(5, 35, 0.5).pvalue)
    assert result["p_value"] < 0.001
    assert mcnemar(a, a)["p_value"] == 1.0


def test_detection_metrics_worked_by_hand():
    """Fake is the positive class. Scores 0.9 and 0.4 for the two fakes, 0.6 and 0.1 for the
    two real rows: 3 of the 4 (fake, real) pairs are ordered right, so ROC-AUC 0.75; ranked
    by score the hits come at precision 1 (recall 0.5) and 2/3 (recall 1), so average
    precision 0.5 × 1 + 0.5 × 2/3. At argmax one fake and one real row are right: MCC 0,
    balanced accuracy 0.5."""
    truth = np.array([1, 1, 0, 0])
    fake = np.array([0.9, 0.4, 0.6, 0.1])
    m = classification_metrics(truth, np.column_stack([1 - fake, fake]), ("real", "fake"),
                               positive="fake", n_bootstrap=10)
    assert m["roc_auc"] == pytest.approx(0.75)
    assert m["pr_auc"] == pytest.approx(0.5 + 0.5 * 2 / 3)
    assert m["mcc"] == pytest.approx(0.0) and m["balanced_accuracy"] == pytest.approx(0.5)
    perfect = classification_metrics(truth, np.column_stack([1 - truth, truth]) * 0.8 + 0.1,
                                     ("real", "fake"), positive="fake", n_bootstrap=10)
    assert perfect["roc_auc"] == 1.0 and perfect["mcc"] == pytest.approx(1.0)


def test_detection_metrics_on_a_split_with_one_class_leave_the_aucs_empty():
    truth = np.array([0, 0, 0])
    probs = np.array([[0.8, 0.2], [0.3, 0.7], [0.9, 0.1]])
    m = classification_metrics(truth, probs, ("real", "fake"), positive="fake", n_bootstrap=10)
    assert m["roc_auc"] is None and m["pr_auc"] is None
    assert m["balanced_accuracy"] == pytest.approx(2 / 3)


def test_operating_points_are_chosen_on_one_split_and_applied_to_another():
    """20 real rows score 0.01..0.20, four fakes 0.05, 0.195, 0.5, 0.9. Within 5% one real
    row may be flagged: flagging from 0.195 up catches the real 0.20 (FPR 1/20) and three
    fakes (recall 3/4). Within 1% none may: from 0.5 up, two fakes (recall 2/4)."""
    from harness.accuracy.metrics import choose_thresholds, operating_points

    real = np.round(np.arange(1, 21) * 0.01, 2)
    fake = np.array([0.05, 0.195, 0.5, 0.9])
    score = np.concatenate([real, fake])
    is_fake = np.concatenate([np.zeros(20, bool), np.ones(4, bool)])
    thresholds = choose_thresholds(is_fake, score)
    assert thresholds == {"1%": pytest.approx(0.5), "5%": pytest.approx(0.195)}
    points = operating_points(is_fake, score, thresholds)
    assert points["5%"]["fpr"] == pytest.approx(0.05) and points["5%"]["recall"] == 0.75
    assert points["1%"]["fpr"] == 0.0 and points["1%"]["recall"] == 0.5
    # Elsewhere the same thresholds hold, whatever rate they give there: not re-chosen.
    other = operating_points(np.array([False, False, True]), np.array([0.25, 0.6, 0.7]),
                             thresholds)
    assert other["5%"]["fpr"] == 1.0 and other["1%"]["fpr"] == 0.5
    assert choose_thresholds(np.ones(3, bool), np.array([0.1, 0.2, 0.3])) == {
        "1%": None, "5%": None}  # one class: nothing to hold a rate against
    top_is_real = choose_thresholds(np.array([True, False]), np.array([0.4, 0.9]))
    assert top_is_real == {"1%": None, "5%": None}  # any flag is a 100% false-positive rate


def test_on_a_one_class_set_mcc_and_macro_f1_are_undefined_and_say_why():
    import numpy as np

    from harness.accuracy.metrics import classification_metrics

    truth = np.zeros(10, dtype=int)  # a real-only set
    probs = np.eye(2)[[0] * 8 + [1] * 2] * 0.8 + 0.1
    m = classification_metrics(truth, probs, ("real", "fake"), positive="fake",
                               n_bootstrap=50)
    assert m["mcc"] is None and m["f1_macro"] is None and m["roc_auc"] is None
    assert m["undefined"] == {"f1_macro": "the set holds one class only",
                              "mcc": "the set holds one class only"}
    assert m["fpr"] == 0.2 and m["specificity"] == 0.8 and m["accuracy"] == 0.8
    both = classification_metrics(np.array([0, 1, 0, 1]), np.eye(2)[[0, 1, 1, 1]],
                                  ("real", "fake"), positive="fake", n_bootstrap=50)
    assert both["mcc"] is not None and "undefined" not in both
