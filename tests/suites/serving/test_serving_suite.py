"""The serving suite end to end on tiny models: through the CLI into a stored result, the
leaderboard's serving table and its QPS-versus-p99 plot; a bound no rate meets stored as
'none at this bound' with the SingleStream p90; the accuracy mode on generated SQuAD data;
preflight failures in seconds."""

from __future__ import annotations

import builtins
import json

import pytest

from bench.cli import main
from harness.data.errors import DataError
from models_registry.meta import ModelMeta
from suites.serving import SUITE
from tests.accuracy_data import write_news_csv
from tests.factories import published_text
from tests.squad_data import write_squad

FAST = ["--cold-starts", "2", "--threads", "2", "--no-progress"]


def _news(tmp_path):
    return ["--welfake", str(write_news_csv(tmp_path / "news.csv", 80))]


def _results(root):
    return [json.loads(p.read_text()) for p in sorted((root / "runs").glob("*/*.json"))]


def test_a_tiny_model_is_served_through_the_cli(tmp_path, tiny_classifier_dirs):
    results = tmp_path / "results"
    code = main(["run", "--models", str(tiny_classifier_dirs["bert"]), "--suites", "serving",
                 "--results-dir", str(results), *_news(tmp_path), *FAST])
    assert code == 0
    (r,) = _results(results)
    m = r["metrics"]
    assert r["status"] == "ok" and m["requests"]["set"] == "news"
    assert m["single_stream"]["valid"] and m["single_stream"]["latency_ms"]["p90"] > 0
    server = m["server"]
    assert server["qps"] > 0 and server["layout"] in {"1x2", "2x1"}
    # the reported rate is the highest VALID probe, never an invalid one
    valid = [p["qps"] for p in server["curve"] if p["valid"]]
    assert server["qps"] == pytest.approx(max(valid), rel=1e-3)
    assert [layout["layout"] for layout in m["layouts"]] == ["1x2", "2x1"]
    assert m["offline"]["valid"] and m["offline"]["samples_per_s"] > 0
    assert m["cold_start"]["processes"] == 2 and m["cold_start"]["median"]["total_s"] > 0
    assert set(m["loadgen"]["logs"]) >= {"SingleStream", "Server", "Offline"}
    assert "MLPerf Results Summary" in m["loadgen"]["logs"]["Server"]["summary"]
    assert "quick preset" in " ".join(m["notes"]) and not m["run_lengths"]["mlperf_minimums"]
    board = published_text(results)
    assert "### serving:" in board and "Server QPS p99≤130ms" in board
    assert any(p.name.startswith("serving-p99-vs-qps") for p in (results / "plots").rglob("*.png"))


def test_a_bound_below_the_single_stream_p90_is_stored_as_none(tmp_path, tiny_classifier_dirs,
                                                               capsys):
    results = tmp_path / "results"
    code = main(["run", "--models", str(tiny_classifier_dirs["bert"]), "--suites", "serving",
                 "--results-dir", str(results), *_news(tmp_path), *FAST,
                 "--latency-bound-ms", "0.001", "--layouts", "1x2"])
    assert code == 0
    (r,) = _results(results)
    server = r["metrics"]["server"]
    assert server["qps"] is None and server["repeats"] == []
    assert server["none"].startswith("no QPS meets p99 <= 0.001 ms; SingleStream p90 is ")
    board = published_text(results)
    assert "none at this bound" in board


def test_accuracy_mode_scores_served_answers_beside_fp32(tmp_path, tiny_qa_dirs_serving):
    squad = write_squad(tmp_path / "dev.json", 24, seed=3, version="2.0")
    config = SUITE.configure("quick", 2, {
        "serving_set": "squad", "squad_file": str(squad), "accuracy": True, "cold_starts": 1,
        "requests": 24, "layouts": ("1x2",)})
    SUITE.preflight(config)
    out = SUITE.run(ModelMeta.from_local_dir(tiny_qa_dirs_serving), config, lambda m: None)
    acc = out.metrics["accuracy"]
    assert acc["questions"] == 24 and acc["loadgen"]["answered"] == acc["windows"]
    assert acc["loadgen"]["mode"] == "AccuracyOnly"
    # the same fp32 model served as it is answered eagerly: the same answers
    assert acc["changed_answers"] == 0 and acc["kept_pct"] == pytest.approx(100.0)
    assert acc["below_99pct"] is False


@pytest.fixture(scope="module")
def tiny_qa_dirs_serving(tmp_path_factory):
    import torch
    from transformers import AutoConfig, AutoModelForQuestionAnswering

    from tests.accuracy_data import write_tokenizer
    from tests.conftest import TINY_CONFIGS

    root = tmp_path_factory.mktemp("tiny-qa-serving")
    torch.manual_seed(0)
    model = AutoModelForQuestionAnswering.from_config(
        AutoConfig.for_model("bert", **TINY_CONFIGS["bert"]))
    model.save_pretrained(root / "bert", safe_serialization=True)
    return write_tokenizer("bert", root / "bert")


def _without_loadgen(monkeypatch) -> None:
    """``import mlperf_loadgen`` fails from here on, as where the extra is not installed."""
    real_import = builtins.__import__

    def no_loadgen(name, *args, **kwargs):
        if name == "mlperf_loadgen":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_loadgen)


def test_preflight_names_what_is_missing(tmp_path, monkeypatch):
    bad = SUITE.configure("quick", 2, {"serving_set": "squad"})
    with pytest.raises(DataError, match="--serving-squad"):
        SUITE.preflight(bad)
    with pytest.raises(DataError, match="STREAMSxTHREADS"):
        SUITE.preflight(SUITE.configure("quick", 2, {"layouts": ("two",)}))
    _without_loadgen(monkeypatch)
    with pytest.raises(DataError, match=r"mlcommons-loadgen.*\.\[serving\]"):
        SUITE.preflight(SUITE.configure("quick", 2, {}))


def test_without_loadgen_the_cli_refuses_before_any_job(tmp_path, monkeypatch, capsys):
    _without_loadgen(monkeypatch)
    code = main(["run", "--models", "tinybert", "--suites", "serving", "--weights",
                 "random-init", "--results-dir", str(tmp_path), *_news(tmp_path),
                 "--no-progress"])
    assert code == 2 and "mlcommons-loadgen" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


def test_a_job_past_its_time_cap_is_recorded_and_a_rerun_completes_it(tmp_path,
                                                                      tiny_classifier_dirs):
    results = tmp_path / "results"
    args = ["run", "--models", str(tiny_classifier_dirs["bert"]), "--suites", "serving",
            "--results-dir", str(results), "--run-id", "capped", *_news(tmp_path), *FAST,
            "--layouts", "1x2"]
    assert main([*args, "--timeout", "3"]) == 1
    (first,) = _results(results)
    assert first["status"] == "timeout" and first["metrics"] == {}
    assert main(args) == 0
    (second,) = _results(results)
    assert second["status"] == "ok" and second["metrics"]["server"]["qps"] > 0
