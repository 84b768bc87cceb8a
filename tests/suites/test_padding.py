"""Dynamic padding: the plans, and the suite on real tokenized text of a tiny model."""

from __future__ import annotations

import pytest

from harness.data.errors import DataError
from harness.data.news import NewsSource
from harness.padding import STRATEGIES, batch_plan, length_summary
from models_registry.meta import ModelMeta
from suites.padding.suite import PaddingSuite
from tests.accuracy_data import write_news_csv


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_row_in_exactly_one_batch(strategy):
    lengths = [5, 60, 7, 33, 12, 64, 9, 40, 3, 20, 11]
    plan = batch_plan(lengths, 4, strategy, fixed_length=64)
    rows = sorted(i for batch, _ in plan for i in batch)
    assert rows == list(range(len(lengths)))
    for batch, width in plan:
        assert width >= max(lengths[i] for i in batch)


def test_bucketing_pads_least_and_fixed_most():
    lengths = [5, 60, 7, 33, 12, 64, 9, 40, 3, 20, 11, 50]
    cost = {s: sum(len(b) * w for b, w in batch_plan(lengths, 4, s, 64)) for s in STRATEGIES}
    assert cost["bucketed"] <= cost["dynamic"] <= cost["fixed"] == 12 * 64
    assert cost["bucketed"] < cost["fixed"]
    assert length_summary(lengths, 64)["truncated_share"] == pytest.approx(1 / 12, abs=1e-4)


def test_padding_suite_on_tokenized_news(tiny_classifier_dirs, tmp_path):
    csv = write_news_csv(tmp_path / "news.csv", 40)
    suite = PaddingSuite()
    config = suite.configure("quick", 1, {
        "padding_sets": ("news",), "texts_per_set": 24, "batch_size": 4,
        "data": NewsSource(name="news", path=str(csv)).to_dict(),
    })
    suite.preflight(config)
    out = suite.run(ModelMeta.from_local_dir(tiny_classifier_dirs["bert"]), config,
                    lambda m: None)
    news = out.metrics["sets"]["news"]
    assert news["lengths"]["n"] == 24 and news["fixed_length"] == 64  # the tiny model's limit
    pads = {s: news["strategies"][s]["pad_fraction"] for s in STRATEGIES}
    assert pads["bucketed"] <= pads["dynamic"] <= pads["fixed"]
    assert news["strategies"]["fixed"]["speedup_vs_fixed"] == 1.0
    assert out.metrics["tokenizer"].startswith("the model's own")
    table = suite.table([])  # renders empty without error
    assert table.empty


def test_padding_preflight_names_missing_news_file(tmp_path):
    suite = PaddingSuite()
    config = suite.configure("quick", 1, {
        "padding_sets": ("news",),
        "data": NewsSource(name="news", path=str(tmp_path / "absent.csv")).to_dict()})
    with pytest.raises(DataError, match=r"absent\.csv"):
        suite.preflight(config)
