"""Reports find results by the roles their suites declare, never by a suite's name: a suite
that did not exist when the reports were written shows up in them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bench.report import select
from bench.report.accuracy import accuracy_columns, mcnemar_table
from bench.report.backends import reference_points
from bench.report.summary import summary_table
from bench.report.verdicts import evidence_finders
from harness.records.metrics import TimedPointsRecord
from harness.records.roles import LATENCY, MEMORY, Evaluation, Finding
from suites import SUITES
from suites.welfake import WelfakeSuite
from suites.welfake.record import WelfakeMetrics
from tests.factories import make_result, news_metrics, timed_point


@dataclass(kw_only=True)
class TimedQAMetrics(WelfakeMetrics, TimedPointsRecord):
    """Its record: a scored set, and the timed points a suite that measures latency keeps."""


class TimedQA(WelfakeSuite):
    """A question-answering suite of the future: it scores a set and times each question."""

    name = "qa-test"
    metrics_type = TimedQAMetrics
    description = "a suite the reports have never heard of"
    measures = LATENCY
    evidence = {"qa-f1": lambda claim, results: None}  # noqa: RUF012

    def evaluations(self, result):
        return [Evaluation("QA dev", "dev", result.metrics["test"],
                           summary_column="in-domain acc %")]


@pytest.fixture
def qa_suite(monkeypatch):
    monkeypatch.setitem(SUITES, TimedQA.name, TimedQA())


def _qa_result(model: str, p50: float, accuracy: float):
    metrics = {**news_metrics(200, accuracy, seed=len(model)),
               "points": [timed_point(1, 128, p50), timed_point(8, 128, 6 * p50)]}
    return make_result(model=model, suite=TimedQA.name, metrics=metrics)


def test_a_new_suite_feeds_every_report_its_roles_reach(qa_suite):
    results = [_qa_result("tinybert", 10.0, 0.7), _qa_result("bert-base", 100.0, 0.8)]
    assert [r.model.name for r in select.measuring(results, LATENCY)] == ["tinybert",
                                                                          "bert-base"]
    assert select.measuring(results, MEMORY) == []
    points = reference_points(results, LATENCY)
    assert points["tinybert"][(1, 128)]["p50_ms"] == pytest.approx(10.0, rel=0.1)
    table = summary_table(results).set_index("model")
    assert table.loc["tinybert", "p50 ms b1/s128"] == pytest.approx(10.0, rel=0.1)
    assert 8 < table.loc["tinybert", "× vs bert-base b1/s128"] < 12
    columns = accuracy_columns(results)
    assert set(columns["bert-base"]) == {"in-domain acc %"}
    pairs = mcnemar_table(results)
    assert list(pairs["test set"]) == ["QA dev"]


def test_results_of_a_suite_this_checkout_lacks_play_no_role():
    gone = make_result(model="tinybert", suite="retired-suite",
                       metrics={"points": [timed_point(1, 128, 5.0)]})
    assert select.suite_of(gone) is None
    assert select.measuring([gone], LATENCY) == [] and select.evaluations([gone]) == []


def test_claim_evidence_comes_from_the_suites_that_declare_it(qa_suite, monkeypatch):
    finders = evidence_finders()
    assert {"param_ratio", "mnli", "latency_ratio", "qa-f1"} <= set(finders)
    seen = []
    monkeypatch.setattr(TimedQA, "evidence", {"qa-f1": lambda claim, results: (
        seen.extend(r.suite for r in results), Finding(1.0, 1.0, None, "proxy", "t", "p"))[1]})
    other = make_result(model="tinybert", suite="welfake", metrics=news_metrics(50, 0.7))
    evidence_finders()["qa-f1"](None, [other, _qa_result("tinybert", 10.0, 0.7)])
    assert seen == [TimedQA.name]  # a finder sees its own suite's results only


def test_one_evidence_kind_declared_by_two_suites_is_refused(qa_suite, monkeypatch):
    monkeypatch.setattr(TimedQA, "evidence", {"mnli": lambda claim, results: None})
    with pytest.raises(ValueError, match="'mnli' is declared twice"):
        evidence_finders()


def test_external_sets_get_a_column_each_and_a_real_only_set_its_1_minus_fpr():
    import numpy as np

    from bench.report.summary import summary_table
    from harness.accuracy.metrics import classification_metrics

    def scored(truth, predicted):
        m = classification_metrics(np.array(truth), np.eye(2)[predicted] * 0.8 + 0.1,
                                   ("real", "fake"), positive="fake", n_bootstrap=20)
        return {**m, "data": {"fingerprint": "f" * 64}}

    labelled = scored([0, 1] * 50, [0, 1] * 45 + [1, 0] * 5)  # 90 % right
    real_only = scored([0] * 10, [0] * 7 + [1] * 3)  # 3 of 10 real items called fake
    result = make_result(model="tinybert", suite="external", metrics={
        "finetuned_dir": "x", "in_domain_accuracy": None, "in_domain_data": None,
        "sets": {"labelled": labelled, "real-only": real_only}})
    columns = accuracy_columns([result])["tinybert"]
    assert columns == {"external labelled acc %": 90.0, "external real-only 1−FPR %": 70.0}
    table = summary_table([result])
    assert "external acc %" not in table.columns  # no mean over sets of different kinds


def test_the_reports_reuse_the_record_the_store_checked_and_keep_no_cache(tmp_path,
                                                                         monkeypatch):
    import gc
    import json
    import weakref

    from bench.run.store import RunStore, load_result

    result = make_result()
    RunStore(tmp_path, result.run_id).write(result)
    (path,) = (tmp_path / "runs" / result.run_id).glob("*.json")
    kind = select.suite_of(result).metrics_type
    made = []
    original = kind.from_dict.__func__
    monkeypatch.setattr(kind, "from_dict", classmethod(
        lambda cls, data, **kw: made.append(1) or original(cls, data, **kw)))
    read = load_result(path)
    typed = select.record(read)
    assert select.record(read) is typed and len(made) == 1  # checked once, by the store
    assert json.loads(path.read_text()) == read.to_dict()  # and never written
    read.metrics = {**read.metrics, "points": []}  # replaced: checked again
    assert select.record(read) is not typed and select.record(read).points == []
    gone = weakref.ref(read)
    del read, typed
    gc.collect()
    assert gone() is None  # nothing in the reports holds a result alive
