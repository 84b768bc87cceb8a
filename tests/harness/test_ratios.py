"""Speed ratios: paired by round when two points share a group, unpaired otherwise."""

from __future__ import annotations

import pytest

from harness.ratios import is_paired, level_noise_pct, round_medians, speed_ratio


def _point(rounds: list[list[float]], group: str = "g1") -> dict:
    return {"samples_ms": [s for r in rounds for s in r],
            "round_calls": [len(r) for r in rounds], "group": group}


def test_round_medians_split_the_samples_by_round():
    assert round_medians(_point([[1.0, 3.0, 2.0], [5.0]])) == [2.0, 5.0]


def test_paired_rounds_cancel_drift_that_an_unpaired_ratio_cannot():
    # the machine halves its speed every other round; the model is always 4× faster
    ref = _point([[100.0], [200.0], [100.0], [200.0], [100.0]])
    mine = _point([[25.0, 25.0], [50.0], [25.0], [50.0, 50.0], [25.0]])
    paired = speed_ratio(ref, mine)
    assert paired.paired and paired.n == 5
    assert paired.value == pytest.approx(4.0) and paired.low == pytest.approx(4.0)
    assert paired.high == pytest.approx(4.0)
    apart = speed_ratio(ref, {**mine, "group": "other-run"})
    assert not apart.paired and apart.high - apart.low > 1.0  # the drift widens it
    assert paired.render() == "4.00 (4.00–4.00)"


def test_noisy_rounds_give_a_ci_around_the_ratio():
    ref = _point([[100.0], [104.0], [98.0], [101.0]])
    mine = _point([[50.0], [51.0], [50.0], [49.0]])
    ratio = speed_ratio(ref, mine)
    assert ratio.low < ratio.value < ratio.high and ratio.low > 1.9 and ratio.high < 2.15


def test_pairing_needs_the_same_group_and_round_count():
    a = _point([[1.0], [1.0]])
    assert is_paired(a, _point([[2.0], [2.0]]))
    assert not is_paired(a, _point([[2.0], [2.0], [2.0]]))
    assert not is_paired(a, _point([[2.0], [2.0]], group=""))
    legacy = {"samples_ms": [1.0, 2.0, 3.0]}  # stored before rounds existed
    assert not is_paired(legacy, legacy)
    assert speed_ratio(legacy, {"samples_ms": [0.5, 1.0, 1.5]}).value == pytest.approx(2.0)


def test_level_noise_is_the_ci_half_width_of_the_rounds():
    assert level_noise_pct(_point([[10.0], [10.0], [10.0]])) == pytest.approx(0.0)
    assert level_noise_pct(_point([[10.0]])) is None
    import numpy as np
    from scipy.stats import t

    logs = np.log([10.0, 11.0, 9.5])
    half = t.ppf(0.975, 2) * logs.std(ddof=1) / np.sqrt(3)
    expected = 100 * (np.exp(half) - 1)  # about 20%: three rounds give a wide interval
    assert level_noise_pct(_point([[10.0], [11.0], [9.5]])) == pytest.approx(expected)


def test_a_speed_ratio_splits_into_flop_and_efficiency_factors():
    from harness.ratios import speed_factors

    reference = {"flops": 22.35e9, "p50_ms": 153.0}
    model = {"flops": 5.39e9, "p50_ms": 52.6}
    measured = 153.0 / 52.6
    factors = speed_factors(reference, model, measured)
    assert factors.flop_ratio == pytest.approx(22.35 / 5.39)
    assert factors.flop_ratio * factors.efficiency_ratio == pytest.approx(measured)
    # efficiency ratio = the model's achieved GFLOP/s over the reference's
    assert factors.efficiency_ratio == pytest.approx(factors.gflops[1] / factors.gflops[0])
    text = factors.explain(5.5, "mobilebert", "bert-base")
    assert "FLOPs allow 4.15×" in text and "75% of the claimed 5.5×" in text
    assert "needs ×1.33" in text and "both fall short" in text
    assert "the FLOPs allow the claim" in speed_factors(
        {"flops": 60.0, "p50_ms": 10.0}, {"flops": 10.0, "p50_ms": 4.0}, 2.5).explain(
        5.5, "a", "b")
    assert speed_factors({"p50_ms": 1.0}, model, 2.0) is None


def test_one_slow_round_does_not_move_a_paired_ratio():
    # ten rounds at 4.0×, except one where the reference's single call ran 25% slow
    ref = _point([[100.0]] * 5 + [[125.0]] + [[100.0]] * 4)
    mine = _point([[25.0, 25.0]] * 10)
    ratio = speed_ratio(ref, mine)
    assert ratio.value == pytest.approx(4.0)
    assert ratio.high == pytest.approx(4.0)  # the slow round is beyond the interval
    assert ratio.half_width_pct == pytest.approx(0.0)


def test_the_paired_interval_is_the_medians_order_statistic_interval():
    import numpy as np
    from scipy.stats import binom

    ratios = [3.91, 3.93, 3.95, 3.99, 3.99, 4.05, 4.08, 4.10, 4.12, 4.85]
    ref = _point([[r * 10.0] for r in ratios])
    mine = _point([[10.0]] * len(ratios))
    ratio = speed_ratio(ref, mine)
    assert ratio.value == pytest.approx(np.exp(np.median(np.log(ratios))))  # 4.02
    # ten rounds: the 2nd and 9th smallest, which cover the median with 1 - 2·P(X ≤ 1)
    assert (ratio.low, ratio.high) == (pytest.approx(3.93), pytest.approx(4.12))
    assert 1 - 2 * binom.cdf(1, 10, 0.5) >= 0.95
    # under six rounds no pair of order statistics reaches 95%: the range is given
    few = speed_ratio(_point([[40.0], [41.0], [39.0]]), _point([[10.0]] * 3))
    assert (few.low, few.value, few.high) == (pytest.approx(3.9), pytest.approx(4.0),
                                              pytest.approx(4.1))
