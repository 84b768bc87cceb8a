"""The gate must pass faithful conversions and stop broken ones, on a model that learned."""

from __future__ import annotations

import numpy as np
import pytest

from harness.backends import BACKENDS, REFERENCE
from harness.backends.base import Backend
from harness.backends.parity import (
    MIN_AGREEMENT,
    check_parity,
    compare_logits,
    synthetic_task,
    trained_parity_model,
)
from harness.backends.pytorch import PytorchSdpa
from models_registry.meta import ModelMeta


def _bert_config(tiny_bert_dir):
    return ModelMeta.from_local_dir(tiny_bert_dir).build_config()


def test_parity_model_learns_its_task_and_has_meaningful_logits(tiny_bert_dir):
    model, record = trained_parity_model(_bert_config(tiny_bert_dir))
    assert record["heldout_accuracy"] >= 0.9  # chance is ~0.5: the model learned
    assert record["logit_scale"] > 1.0  # not the ~0.005 of a random-init head
    # Loaded back from its safetensors directory, it predicts as recorded.
    batch, labels = synthetic_task(256, seed=123)
    import torch

    with torch.inference_mode():
        accuracy = float((model(**batch).logits.argmax(-1) == labels).float().mean())
    assert accuracy >= 0.85


def test_task_labels_follow_the_rule():
    batch, labels = synthetic_task(64, seed=3)
    ids, mask = batch["input_ids"], batch["attention_mask"]
    assert set(labels.tolist()) == {0, 1}
    assert (mask.sum(1) >= 8).all() and (ids[mask == 0] == 0).all()


def test_faithful_backends_pass(tiny_bert_dir):
    config = _bert_config(tiny_bert_dir)
    for name in ("pytorch-eager-attn", "pytorch-int8", "pytorch-bf16"):
        report = check_parity(BACKENDS[name], config, REFERENCE)
        assert report.passed, report
        assert report.agreement >= MIN_AGREEMENT
    eager = check_parity(BACKENDS["pytorch-eager-attn"], config, REFERENCE)
    # A different attention path really ran: tiny but non-zero differences.
    assert 0 < eager.max_abs_logit_diff < 1e-4


class _Noisy(PytorchSdpa):
    """A broken conversion: logits with noise the size of the logits themselves."""

    name = "noisy"

    def _convert(self, model, example, workdir):
        call, to_logits, details = super()._convert(model, example, workdir)
        rng = np.random.default_rng(0)
        return call, lambda out: to_logits(out) + rng.normal(0, 3, tuple(out.shape)), details


def test_a_broken_backend_fails_the_gate(tiny_bert_dir):
    report = check_parity(_Noisy(), _bert_config(tiny_bert_dir), REFERENCE)
    assert not report.passed
    assert "agreement" in report.reason and "Δlogit" in report.reason


def test_onnxruntime_backends_pass(tiny_bert_dir):
    pytest.importorskip("onnxruntime")
    config = _bert_config(tiny_bert_dir)
    fp32 = check_parity(BACKENDS["onnxruntime"], config, REFERENCE)
    assert fp32.passed and fp32.max_abs_logit_diff < 1e-4
    int8 = check_parity(BACKENDS["onnxruntime-int8"], config, REFERENCE)
    assert int8.passed and int8.max_abs_logit_diff > fp32.max_abs_logit_diff


def test_compare_logits_tolerance_scales_with_precision():
    ref = np.array([[2.0, -2.0], [0.1, 0.0]])
    close = compare_logits(ref, ref + 1e-4, "fp32")
    assert close["agreement"] == 1.0 and close["tolerance"] == pytest.approx(2e-3)
    flipped = compare_logits(ref, ref[:, ::-1], "int8")
    assert flipped["agreement"] == 0.0


def test_unknown_family_has_no_parity_model():
    from transformers import AutoConfig

    with pytest.raises(ValueError, match=r"no parity model for family 'gpt2'"):
        trained_parity_model(AutoConfig.for_model("gpt2"))


def test_unavailable_reason_names_the_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    reason = BACKENDS["onnxruntime"].unavailable()
    assert reason and "onnxruntime" in reason and ".[onnx]" in reason
    assert isinstance(BACKENDS[REFERENCE], Backend) and BACKENDS[REFERENCE].unavailable() is None
