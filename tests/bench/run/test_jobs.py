"""Job keys: a stored result stops counting when a package its numbers come from changes."""

from __future__ import annotations

import pytest

import bench.run.jobs
from bench.run.jobs import plan_jobs
from harness.environment import capture_environment


def _keys(monkeypatch, **versions):
    monkeypatch.setattr(bench.run.jobs, "package_versions",
                        lambda: {"torch": "2.13.0", "transformers": "5.23.0",
                                 "onnxruntime": "1.31.1", "onnx": "1.23.2",
                                 "scikit-learn": "1.9.1", **versions})
    jobs = plan_jobs(["tinybert", "tfidf-logreg"], ["latency"], mode="quick", threads=2,
                     overrides={"backends": ["pytorch-sdpa", "onnxruntime-int8"]})
    return {(j.model.name, j.config.get("backend")): j.key for j in jobs}


def test_a_backend_runtime_upgrade_invalidates_only_that_backends_results(monkeypatch):
    before = _keys(monkeypatch)
    after = _keys(monkeypatch, onnxruntime="1.32.0")
    assert after[("tinybert", "onnxruntime-int8")] != before[("tinybert", "onnxruntime-int8")]
    assert after[("tinybert", "pytorch-sdpa")] == before[("tinybert", "pytorch-sdpa")]
    sklearn = _keys(monkeypatch, **{"scikit-learn": "2.0.0"})
    changed = {k for k in before if sklearn[k] != before[k]}
    assert {model for model, _ in changed} == {"tfidf-logreg"}
    torch = _keys(monkeypatch, torch="2.14.0")
    assert all(torch[k] != before[k] for k in before)


def test_every_result_records_the_backend_and_accuracy_runtimes():
    packages = capture_environment()["packages"]
    for name in ("torch", "transformers", "onnxruntime", "onnx", "scikit-learn", "scipy",
                 "datasets", "accelerate", "matplotlib"):
        assert name in packages
    assert packages["onnxruntime"]  # installed by the test extras


def test_where_a_run_keeps_its_models_is_not_part_of_the_key():
    """The same job planned for two results directories: its config names each directory
    (the gate reads a real model from there) and its key is the same."""
    from pathlib import Path

    def planned(results_dir: str):
        from suites import get_suite

        overrides = get_suite("latency").overrides({}, Path(results_dir))
        (job,) = plan_jobs(["tinybert"], ["latency"], mode="quick", threads=2,
                           overrides=overrides)
        return job

    a, b = planned("/tmp/results-a"), planned("/tmp/results-b")
    assert a.config["finetuned_dir"] != b.config["finetuned_dir"]
    assert a.key == b.key


def _local_model(tmp_path, name, **config):
    import json

    directory = tmp_path / name
    directory.mkdir()
    base = {"model_type": "bert", "vocab_size": 100, "hidden_size": 16,
            "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 32,
            "max_position_embeddings": 64}
    (directory / "config.json").write_text(json.dumps({**base, **config}))
    return str(directory)


@pytest.mark.parametrize("config, flags, expected", [
    ({"num_hidden_layers": -3}, [], "config num_hidden_layers = -3 must be a positive integer"),
    ({"hidden_size": 10**6}, [], "GiB is available"),
    ({}, ["--batch-sizes", "100000000", "--seq-lens", "64"], "batch 100000000 × 64 tokens"),
])
def test_impossible_sizes_are_refused_before_any_job_starts(tmp_path, capsys, config, flags,
                                                            expected):
    from bench.cli import main

    model = _local_model(tmp_path, "m", **config)
    code = main(["run", "--models", model, "--suites", "static", "latency", *flags,
                 "--threads", "512", "--results-dir", str(tmp_path / "results"),
                 "--no-leaderboard"])
    err = capsys.readouterr().err
    assert code == 2 and "nothing was run" in err and expected in err
    assert "WARNING: --threads 512 exceeds the" in err
    assert not (tmp_path / "results" / "runs").exists()
