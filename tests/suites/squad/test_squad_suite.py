"""The squad suite: offline it fails in seconds naming the files to pass; with generated data
a tiny model learns through the CLI; tiny QA models of each family answer from a directory;
claims are judged from its results."""

from __future__ import annotations

import json
import time

import pytest

from bench.cli import main
from bench.report.verdicts import assess, build_verdict
from models_registry import get_model
from models_registry.claims import all_claims
from models_registry.meta import ModelMeta
from models_registry.weights import WeightsNotFoundError
from suites.squad import SquadConfig, SquadSuite
from suites.squad.evidence import squad_score
from suites.squad.record import SquadMetrics
from tests.accuracy_data import write_tokenizer
from tests.conftest import TINY_CONFIGS
from tests.factories import make_result, published_text
from tests.squad_data import write_squad

TINY = ["--max-length", "64", "--doc-stride", "16"]


def test_offline_without_data_fails_fast_naming_the_files(tmp_path, capsys):
    started = time.monotonic()
    code = main(["run", "--suites", "squad", "--results-dir", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and time.monotonic() - started < 10
    assert "--squad-v1 FILE" in err and "--squad-v2 FILE" in err and "dev-v2.0.json" in err
    assert not (tmp_path / "runs").exists()


def test_a_bad_file_stops_the_run_before_any_job(tmp_path, capsys):
    bad = tmp_path / "dev.json"
    bad.write_text(json.dumps({"data": [{"title": "t", "paragraphs": [{"context": "a b", "qas": [
        {"id": "1", "question": "q?", "answers": [{"text": "b", "answer_start": 0}]}]}]}]}),
        encoding="utf-8")
    code = main(["run", "--models", "tinybert", "--suites", "squad", "--squad-v1", str(bad),
                 "--results-dir", str(tmp_path / "res"), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and str(bad) in err and "answer_start 0" in err
    assert not (tmp_path / "res" / "runs").exists()


@pytest.fixture(scope="module")
def squad_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("squad")
    return {(split, v): write_squad(root / f"{split}-{v}.json", 400 if split == "train" else 80,
                                    seed=1 if split == "train" else 2, version=v)
            for split in ("train", "dev") for v in ("1.1", "2.0")}


def test_a_tiny_model_learns_squad_through_the_cli(tmp_path, capsys, squad_files,
                                                   tiny_classifier_dirs):
    results = tmp_path / "results"
    code = main([
        "run", "--models", str(tiny_classifier_dirs["bert"]), "--suites", "squad",
        "--squad-v1", str(squad_files["dev", "1.1"]), "--squad-v2", str(squad_files["dev", "2.0"]),
        "--squad-train-v1", str(squad_files["train", "1.1"]),
        "--squad-train-v2", str(squad_files["train", "2.0"]), *TINY, "--epochs", "3",
        "--learning-rate", "1e-3", "--results-dir", str(results), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    (stored,) = [json.loads(p.read_text()) for p in (results / "runs").glob("*/*.json")]
    metrics = SquadMetrics.from_dict(stored["metrics"])
    v1, v2 = metrics.versions["1.1"], metrics.versions["2.0"]
    assert v1["checkpoint"] == v2["checkpoint"] == "fine-tuned-here"
    assert v1["training"]["train_questions"] == 400 and v1["data"]["n"] == 80
    # Chance: about 1 in 15 positions for v1.1; "no answer" everywhere scores 30% on v2.0.
    assert v1["scores"]["threshold_0"]["exact"] > 60
    assert v2["scores"]["best_threshold"]["f1"] > 70
    assert v1["latency"]["p50_ms_per_question"] > 0 and v1["latency"]["windows_per_question"] > 1
    board = published_text(results)
    assert "### squad" in board and "p50 ms / question" in board


@pytest.fixture(scope="module")
def tiny_qa_dirs(tmp_path_factory):
    import torch
    from transformers import AutoConfig, AutoModelForQuestionAnswering

    root, out = tmp_path_factory.mktemp("tiny-qa"), {}
    for family, values in TINY_CONFIGS.items():
        torch.manual_seed(0)
        model = AutoModelForQuestionAnswering.from_config(AutoConfig.for_model(family, **values))
        model.save_pretrained(root / family, safe_serialization=True)
        out[family] = write_tokenizer(family, root / family)
    return out


@pytest.mark.parametrize("family", sorted(TINY_CONFIGS))
def test_a_tiny_qa_model_of_each_family_answers_from_its_directory(family, tiny_qa_dirs,
                                                                   squad_files):
    meta = ModelMeta.from_local_dir(tiny_qa_dirs[family])
    config = SquadConfig(threads=1, squad_v1=str(squad_files["dev", "1.1"]),
                         squad_v2=str(squad_files["dev", "2.0"]), questions=20,
                         max_length=64, doc_stride=16, n_bootstrap=100)
    out = SquadSuite().run(meta, config, lambda _: None)
    for version in ("1.1", "2.0"):
        record = out.metrics["versions"][version]
        assert record["status"] == "ok" and record["checkpoint"] == "given-directory"
        assert record["data"]["n"] == 20 and len(record["predictions"]) == 20
    assert SquadMetrics.from_dict(out.metrics).protocol == "proxy-slice"


def test_the_same_questions_are_answered_again_through_other_backends(tiny_qa_dirs,
                                                                      squad_files):
    meta = ModelMeta.from_local_dir(tiny_qa_dirs["bert"])
    config = SquadConfig(threads=1, versions=("2.0",), squad_v2=str(squad_files["dev", "2.0"]),
                         questions=20, max_length=64, doc_stride=16, n_bootstrap=100,
                         compare_backends=("pytorch-int8", "onnxruntime"))
    record = SquadSuite().run(meta, config, lambda _: None).metrics["versions"]["2.0"]
    int8 = record["backends"]["pytorch-int8"]
    assert int8["details"]["quantized_linear_layers"] > 0 and 0 <= int8["agreement"] <= 1
    best = record["scores"]["best_threshold"]["f1"]
    assert int8["f1_delta_pts"] == pytest.approx(
        int8["scores"]["best_threshold"]["f1"] - best, abs=1e-3)
    assert int8["p50_ms_per_question"] > 0 and int8["speedup_p50"] > 0
    assert "sequence classifiers" in record["backends"]["onnxruntime"]["skipped"]


def test_windows_longer_than_the_model_say_what_to_pass(tiny_qa_dirs, squad_files):
    meta = ModelMeta.from_local_dir(tiny_qa_dirs["bert"])
    config = SquadConfig(threads=1, versions=("1.1",), squad_v1=str(squad_files["dev", "1.1"]),
                         questions=5)
    with pytest.raises(ValueError, match="pass --max-length 64 or less"):
        SquadSuite().run(meta, config, lambda _: None)


def test_checkpoints_are_declared_and_a_model_without_one_is_told_what_to_pass(
        squad_files, tiny_classifier_dirs):
    assert get_model("mobilebert").checkpoint_for_squad("2.0").hub_id == \
        "csarron/mobilebert-uncased-squad-v2"
    assert get_model("distilbert").checkpoint_for_squad("2.0") is None
    assert get_model("tinybert").squad_checkpoints == {}
    # job keys (and fine-tuned model folders) of models without one are what they were
    assert "squad_checkpoints" not in get_model("tinybert").identity()
    assert "squad_checkpoints" in get_model("mobilebert").identity()
    meta = ModelMeta.from_local_dir(tiny_classifier_dirs["bert"])  # no span head
    config = SquadConfig(threads=1, versions=("1.1",), squad_v1=str(squad_files["dev", "1.1"]),
                         questions=5, max_length=64, doc_stride=16)
    with pytest.raises(WeightsNotFoundError, match="--squad-train-v1 FILE"):
        SquadSuite().run(meta, config, lambda _: None)


def _squad_result(model: str, f1: float, n: int, sampled_from: int, protocol="proxy-slice"):
    block = {"n": n, "exact": f1 - 7, "f1": f1,
             "ci95": {"exact": [f1 - 9, f1 - 5], "f1": [f1 - 2, f1 + 2]}}
    version = {"status": "ok", "checkpoint": "hub:csarron/mobilebert-uncased-squad-v2",
               "data": {"n": n, "sampled_from": sampled_from, "fingerprint": "f" * 64},
               "scores": {"threshold_0": block, "best_threshold": block}, "latency": {}}
    return make_result(model=model, suite="squad", metrics={
        "protocol": protocol, "windowing": {}, "versions": {"2.0": version}})


def test_paper_and_card_claims_are_judged_from_squad_results():
    claims = all_claims()
    paper = claims["mobilebert-2004.02984-table5-mobilebert-squad2.0-f1"]
    assert (paper.section, paper.reported_value, paper.pdf_page) == ("Table 5", 79.2, 7)
    finding = squad_score(paper, [_squad_result("mobilebert", 79.6, 500, 11873)])
    assert finding.value == 79.6 and finding.ci == (77.6, 81.6) and finding.protocol_match == \
        "proxy" and "n=500 of 11873" in finding.provenance
    full = _squad_result("mobilebert", 79.6, 11873, 11873, protocol="full")
    assert assess(paper, [full])[1] == "reproduced"
    card = claims["card-mobilebert-squad-v2-95pct-squad-v2"]
    assert assess(card, [full])[1] == "not_reproduced"  # 79.6 with CI far below 95
    assert assess(claims["card-mobilebert-squad-v2-25mb-fp32"], [])[1] == "not_reproduced"
    assert assess(claims["card-mobilebert-squad-v2-25mb-int8"], [])[1] == "reproduced"
    loss = claims["card-mobilebert-squad-v2-int8-under-5pct-loss"]
    assert assess(loss, [full])[1] == "inconclusive"  # no int8 run among the results
    full.metrics["versions"]["2.0"]["backends"] = {"pytorch-int8": {
        "f1_relative_loss_pct": 2.5, "f1_delta_pts": -2.0, "agreement": 0.93}}
    finding, status, _ = assess(loss, [full])
    assert (finding.value, status) == (2.5, "reproduced") and "93.0%" in finding.provenance
    gpu = build_verdict(claims["card-mobilebert-squad-v2-3-4x-gpu-throughput"], [full])
    # judged from the serving suite's CPU evidence: none among squad results
    notes = gpu["verdict"]["claim_citation"]["notes"]
    assert gpu["verdict"]["status"] == "inconclusive" and "No GPU is measured" in notes
    assert "no ok server_qps_ratio result" in notes
    assert gpu["paper"]["arxiv_id"] is None and gpu["latest_version"]["id"].startswith("card:")


def test_declared_checkpoint_and_hub_data_go_through_the_real_loading_code(
        tmp_path, monkeypatch, tiny_qa_dirs, squad_files):
    """The online path without a network: the declared checkpoint from a Hugging Face cache
    laid out as huggingface_hub writes it, the dev set through datasets.load_dataset."""
    import datasets
    import huggingface_hub.constants

    from harness.data.squad import HUB_IDS, load_squad

    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "cache" / "models--org--tiny-qa-squad"
    (repo / "snapshots" / commit).mkdir(parents=True)
    for item in tiny_qa_dirs["bert"].iterdir():
        (repo / "snapshots" / commit / item.name).write_bytes(item.read_bytes())
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "cache"))

    examples = load_squad(str(squad_files["dev", "1.1"]), "1.1").examples
    rows = [{"id": e.id, "title": e.title, "context": e.context, "question": e.question,
             "answers": {"text": list(e.answers), "answer_start": list(e.answer_starts)}}
            for e in examples]
    asked = []
    monkeypatch.setattr("models_registry.weights.hub_reachable", lambda *a, **k: True)
    monkeypatch.setattr(datasets, "load_dataset", lambda name, split: asked.append(
        (name, split)) or datasets.Dataset.from_list(rows))

    meta = ModelMeta(name="tiny-declared", hub_id="org/tiny-base", family="bert",
                     config=TINY_CONFIGS["bert"], squad_checkpoints={"1.1": "org/tiny-qa-squad"})
    config = SquadConfig(threads=1, versions=("1.1",), questions=10, max_length=64,
                         doc_stride=16, n_bootstrap=100)
    record = SquadSuite().run(meta, config, lambda _: None).metrics["versions"]["1.1"]
    assert asked == [(HUB_IDS["1.1"], "validation")]
    assert record["checkpoint"] == "hub:org/tiny-qa-squad"
    assert (record["weights"]["source"], record["weights"]["revision"]) == ("hf-cache", commit)
    assert record["data"]["source"] == "hub:rajpurkar/squad/validation"
