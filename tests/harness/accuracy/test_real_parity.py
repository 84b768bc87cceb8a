"""The gate on a real fine-tuned model: found by its split's recipe, checked, cached, and
said when absent."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from harness.accuracy.gate import parity_gate
from harness.accuracy.real_parity import check_real_parity, find_real_model
from harness.backends import BACKENDS, REFERENCE
from harness.backends.parity import PARITY_VOCAB
from harness.backends.pytorch import PytorchSdpa
from harness.data.dataset import LabelledTexts
from harness.data.news import split_key
from models_registry.meta import ModelMeta
from tests.accuracy_data import news_text

RECIPE = {"source_fingerprint": "abc", "seed": 42, "fractions": [0.7, 0.15, 0.15]}


def _finetuned(src: Path, target: Path, name: str, recipe: dict) -> Path:
    """A "fine-tuned" model as save_finetuned leaves it; the head is scaled so that its
    logits are decisive (a random head's are ~0.01 and any rounding flips them)."""
    import torch
    from transformers import AutoModelForSequenceClassification

    shutil.copytree(src, target)
    model = AutoModelForSequenceClassification.from_pretrained(target)
    with torch.no_grad():
        model.classifier.weight.mul_(200.0)
    model.save_pretrained(target, safe_serialization=True)
    record = {"model": name, "data": {"train": {"notes": {"recipe": recipe}}}}
    (target / "bench_finetune.json").write_text(json.dumps(record), encoding="utf-8")
    return target


def _split(directory: Path, recipe: dict, rows: int = 96) -> Path:
    rng = random.Random(0)
    labels = [i % 2 for i in range(rows)]
    test = LabelledTexts(name="test", ids=tuple(str(i) for i in range(rows)),
                         texts=tuple(news_text(("real", "fake")[y], rng) for y in labels),
                         labels=tuple(labels), label_names=("real", "fake"))
    directory.mkdir(parents=True)
    test.to_jsonl(directory / "test.jsonl")
    manifest = {"recipe": recipe, "splits": {"test": {"fingerprint": test.fingerprint}}}
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def real_dirs(tiny_classifier_dirs, tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("real")
    finetuned, splits = root / "finetuned", root / "splits"
    finetuned.mkdir()
    _finetuned(tiny_classifier_dirs["distilbert"], finetuned / "a-distil", "tiny-distil", RECIPE)
    _finetuned(tiny_classifier_dirs["bert"], finetuned / "b-bert", "tiny-bert", RECIPE)
    other = {**RECIPE, "seed": 7}  # fine-tuned on a split that is not on disk: unusable
    _finetuned(tiny_classifier_dirs["bert"], finetuned / "0-orphan", "orphan", other)
    (finetuned / "tfidf-x").mkdir()  # a TF-IDF baseline: no transformer to check
    (finetuned / "tfidf-x" / "bench_finetune.json").write_text("{}", encoding="utf-8")
    _split(splits / f"news-{split_key(RECIPE)}", RECIPE)
    return finetuned, splits


def test_the_real_model_is_found_by_its_splits_recipe(real_dirs):
    finetuned, splits = real_dirs
    bert = find_real_model(finetuned, splits, "bert")
    assert bert is not None and bert.model == "tiny-bert"  # not the orphan, whose split is gone
    assert bert.test_split == splits / f"news-{split_key(RECIPE)}" / "test.jsonl"
    assert find_real_model(finetuned, splits, "distilbert").model == "tiny-distil"
    # No model of the family: any real model, since int8 error is the weights' ranges.
    assert find_real_model(finetuned, splits, "mobilebert").model == "tiny-distil"
    assert find_real_model(finetuned, splits.parent / "nothing", "bert") is None
    assert find_real_model(None, splits, "bert") is None


class _NoisyInt8(PytorchSdpa):
    """A broken int8 conversion: noise the size of the logits."""

    name = "noisy-int8"
    precision = "int8"

    def _noisy(self, model) -> bool:
        return True

    def _convert(self, model, example, workdir):
        import torch

        scale = 3.0 if self._noisy(model) else 0.0

        def call(batch):
            with torch.inference_mode():
                logits = model(**batch).logits
            return logits + scale * logits.abs().max() * torch.randn_like(logits)

        return call, lambda x: x.numpy(), {}


class _NoisyOnRealModels(_NoisyInt8):
    """Exact on the gate's small model, broken on a real one: what per-tensor int8 did."""

    name = "noisy-on-real-int8"

    def _noisy(self, model) -> bool:
        return model.config.vocab_size != PARITY_VOCAB


def test_faithful_conversion_passes_and_is_cached(real_dirs, tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_PARITY_DIR", str(tmp_path))  # not an earlier run's cache
    real = find_real_model(*real_dirs, "bert")
    first = check_real_parity(BACKENDS["pytorch-bf16"], real, REFERENCE, rows=64)
    assert first["checked"] and first["passed"], first
    assert first["n"] == 64 and first["model"] == "tiny-bert" and not first["from_cache"]
    again = check_real_parity(BACKENDS["pytorch-bf16"], real, REFERENCE, rows=64)
    assert again["from_cache"] and again["agreement"] == first["agreement"]


def test_broken_conversion_fails_naming_the_model(real_dirs):
    real = find_real_model(*real_dirs, "bert")
    report = check_real_parity(_NoisyInt8(), real, REFERENCE, rows=64)
    assert not report["passed"] and report["agreement"] < 0.9
    assert "tiny-bert" in report["reason"] and "64 test rows" in report["reason"]


def test_the_gate_consults_the_real_model_for_reduced_precision_only(real_dirs,
                                                                      tiny_bert_dir):
    config = ModelMeta.from_local_dir(tiny_bert_dir).build_config()
    finetuned, splits = (str(p) for p in real_dirs)
    # The small model's gate passes, the real model fails it: the backend is not ranked.
    report = parity_gate(_NoisyOnRealModels(), config, REFERENCE, finetuned_dir=finetuned,
                          splits_dir=splits)
    assert report.agreement == 1.0
    assert report.real_model["checked"] and not report.passed
    assert "real model tiny-bert" in report.reason
    # No real model at hand: recorded as not checked, with how to make one.
    alone = parity_gate(BACKENDS["pytorch-bf16"], config, REFERENCE)
    assert alone.passed and alone.real_model["checked"] is False
    assert "--suites welfake" in alone.real_model["why"]
    # An fp32 conversion is held to fp32 tolerance on the small model; no real check.
    exact = parity_gate(BACKENDS["pytorch-eager-attn"], config, REFERENCE,
                         finetuned_dir=finetuned, splits_dir=splits)
    assert exact.real_model is None
