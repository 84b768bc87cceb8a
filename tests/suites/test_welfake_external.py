"""WELFake and external suites on tiny models and generated news: the tiny transformer must
*learn* (>90% test accuracy), the fine-tuned model must be found again by the external suite."""

from __future__ import annotations

from dataclasses import replace

import pytest

from harness.data.errors import DataError
from harness.data.news import NewsSource, welfake_source
from models_registry import get_model, resolve_model_spec
from suites.external import ExternalSuite
from suites.welfake import WelfakeSuite
from tests.accuracy_data import write_news_csv


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    root = tmp_path_factory.mktemp("news")
    welfake = write_news_csv(root / "WELFake_Dataset.csv", 600, seed=0)
    external = write_news_csv(root / "other.csv", 120, seed=9, label_column="real",
                              fake_value=0, real_value=1, with_title=False)
    return root, welfake, external


def _config(suite, root, welfake, **extra):
    config = suite.preset("quick", threads=1)
    return replace(config, data=welfake_source(str(welfake)).to_dict(), learning_rate=1e-3,
                   epochs=4, max_length=64, splits_dir=str(root / "splits"),
                   finetuned_dir=str(root / "finetuned"), n_bootstrap=200, **extra)


@pytest.fixture(scope="module")
def welfake_runs(news, tiny_classifier_dirs):
    root, welfake, _ = news
    suite = WelfakeSuite()
    config = _config(suite, root, welfake, compare_backends=("pytorch-int8", "onnxruntime"))
    runs = {}
    for spec in (str(tiny_classifier_dirs["bert"]), "tfidf-logreg"):
        meta = resolve_model_spec(spec)
        runs[meta.name] = (meta, suite.run(meta, config, lambda _: None))
    return config, runs


def test_tiny_transformer_learns_the_synthetic_task(welfake_runs):
    _, runs = welfake_runs
    _, output = runs["local:tiny-bert"]
    assert output.metrics["test"]["accuracy"] > 0.9
    assert output.metrics["training"]["best_validation_f1"] > 0.9
    assert output.weights.source == "local-dir"
    assert output.metrics["budget"]["learning_rate"] == 1e-3
    test = output.metrics["test"]  # a model that learned the task ranks fakes first
    assert test["roc_auc"] > 0.9 and test["pr_auc"] > 0.9 and test["mcc"] > 0.8
    assert test["balanced_accuracy"] > 0.9
    points = test["operating_points"]  # thresholds chosen on validation, applied to test
    assert set(points) == {"1%", "5%"} and points["1%"]["threshold"] >= points["5%"]["threshold"]
    assert all(0 <= p["fpr"] <= 1 and 0 <= p["recall"] <= 1 for p in points.values())


def test_backends_rescore_the_fine_tuned_model(welfake_runs):
    _, runs = welfake_runs
    deltas = runs["local:tiny-bert"][1].metrics["test"]["backends"]
    assert deltas["pytorch-int8"]["n"] == 90 and deltas["pytorch-int8"]["agreement"] >= 0.95
    if "skipped" not in deltas["onnxruntime"]:  # the [onnx] extra is installed
        assert deltas["onnxruntime"]["agreement"] == 1.0
        assert deltas["onnxruntime"]["accuracy_delta_pts"] == 0.0
        assert deltas["onnxruntime"]["max_abs_prob_diff"] < 1e-4
    assert "backends" not in runs["tfidf-logreg"][1].metrics["test"]


def test_every_model_sees_identical_splits(welfake_runs):
    _, runs = welfake_runs
    data = [output.metrics["data"] for _, output in runs.values()]
    assert data[0] == data[1]
    assert [data[0][n]["rows"] for n in ("train", "validation", "test")] == [420, 90, 90]


def test_tfidf_baseline_runs_like_any_model(welfake_runs):
    _, runs = welfake_runs
    _, output = runs["tfidf-logreg"]
    assert output.weights.label == "trained-from-scratch"
    assert output.metrics["test"]["accuracy"] > 0.9
    assert output.runtime["backend"].startswith("scikit-learn")


def test_external_suite_finds_the_fine_tuned_models(news, welfake_runs):
    root, welfake, external = news
    welfake_config, runs = welfake_runs
    suite = ExternalSuite()
    source = NewsSource("other", str(external), ("text",), "real", {"1": "real", "0": "fake"})
    config = _config(suite, root, welfake, sets=(source.to_dict(),), error_examples=3)
    assert config.recipe() == welfake_config.recipe()  # same recipe → same fine-tuned model
    for name, (meta, trained) in runs.items():
        out = suite.run(meta, config, lambda _: None).metrics
        metrics = out["sets"]["other"]
        assert out["finetuned_dir"] == trained.metrics["finetuned_dir"]
        assert metrics["accuracy"] > 0.9, name
        assert metrics["generalization_gap"] == pytest.approx(
            trained.metrics["test"]["accuracy"] - metrics["accuracy"])
        assert len(metrics["confident_mistakes"]) <= 3
        # the in-domain validation thresholds, carried by the fine-tuned model's record
        assert {k: p["threshold"] for k, p in metrics["operating_points"].items()} == {
            k: p["threshold"] for k, p in trained.metrics["test"]["operating_points"].items()}


def test_external_without_a_fine_tuned_model_says_how_to_get_one(news, tiny_classifier_dirs):
    root, welfake, external = news
    suite = ExternalSuite()
    source = NewsSource("other", str(external), ("text",), None, fixed_label="real")
    config = replace(_config(suite, root, welfake, sets=(source.to_dict(),)), epochs=1)
    with pytest.raises(DataError, match="not fine-tuned by this suite"):
        suite.run(resolve_model_spec(str(tiny_classifier_dirs["distilbert"])), config,
                  lambda _: None)
    with pytest.raises(FileNotFoundError, match="--suites welfake,external"):
        suite.run(get_model("tfidf-logreg"), config, lambda _: None)
