"""The MobileBERT rewrite is exact and removes ops; OpenVINO and torchao pass the gate."""

from __future__ import annotations

import numpy as np
import pytest

from harness.backends import BACKENDS, REFERENCE
from harness.backends.folded import fold_mobilebert, foldable, op_counts
from harness.backends.parity import check_parity
from models_registry.meta import ModelMeta


def _random_nonorm_mobilebert(tiny_model_dirs):
    """The tiny MobileBERT with NoNorm scales and shifts far from 1 and 0, so that a fold
    that forgot one of them shows in the logits."""
    import torch
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(tiny_model_dirs["mobilebert"])
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for module in model.modules():
            if type(module).__name__ == "NoNorm":
                module.weight.copy_(torch.rand(module.weight.shape, generator=generator) + 0.5)
                module.bias.copy_(torch.randn(module.bias.shape, generator=generator) * 0.3)
            if isinstance(module, torch.nn.Linear):
                module.bias.normal_(0, 0.1, generator=generator)
    return model.eval()


def test_mobilebert_fold_is_exact_and_removes_ops(tiny_model_dirs):
    import copy

    import torch

    from harness.inputs import synthetic_batch

    model = _random_nonorm_mobilebert(tiny_model_dirs)
    batch = synthetic_batch(3, 24, model.config.vocab_size, seed=1)
    batch["attention_mask"][1, 10:] = 0  # padding goes through the fused attention too
    with torch.inference_mode():
        reference = model(**batch).logits
    folded = copy.deepcopy(model)
    changed = fold_mobilebert(folded)
    with torch.inference_mode():
        out = folded(**batch).logits
    assert torch.allclose(out, reference, atol=1e-5, rtol=1e-5)
    assert reference.abs().max() > 1e-3  # the comparison is not between two zeros
    layers = model.config.num_hidden_layers
    # Per layer: 2 bottlenecks, the attention output, one per extra FFN stack, the output and
    # the output bottleneck; plus the embedding's.
    assert changed["nonorm_folded"] == layers * (4 + model.config.num_feedforward_networks) + 1
    assert changed["linear_layers_after"] == changed["linear_layers_before"] - 3 * layers
    before, after = op_counts(model, batch), op_counts(folded, batch)
    assert after["gemm_ops"] == before["gemm_ops"] - 3 * layers
    assert after["other_ops"] < before["other_ops"]


def test_layernorm_families_are_left_alone_and_say_why(tiny_model_dirs):
    from transformers import AutoModelForSequenceClassification

    for family in ("bert", "distilbert"):
        model = AutoModelForSequenceClassification.from_pretrained(tiny_model_dirs[family])
        assert "LayerNorm" in foldable(model)
    assert foldable(_random_nonorm_mobilebert(tiny_model_dirs)) is None


def test_folded_backends_pass_the_gate_on_mobilebert(tiny_model_dirs):
    config = ModelMeta.from_local_dir(tiny_model_dirs["mobilebert"]).build_config()
    report = check_parity(BACKENDS["pytorch-folded"], config, REFERENCE)
    assert report.passed and report.max_abs_logit_diff < 1e-4, report


def test_folded_compile_is_exact_on_one_shape(tiny_model_dirs):
    """The compiled rewrite (freezing) on one shape: the gate's several chunk shapes would
    compile several graphs, minutes on two cores."""
    import torch

    from harness.inputs import synthetic_batch

    model = _random_nonorm_mobilebert(tiny_model_dirs)
    batch = synthetic_batch(2, 16, model.config.vocab_size, seed=2)
    with torch.inference_mode():
        reference = model(**batch).logits.numpy()
    prepared = BACKENDS["folded-compile"].prepare(model, batch)
    assert np.allclose(prepared.logits(batch), reference, atol=1e-5)
    assert prepared.details["compile"]["freezing"] is True


def test_folded_backend_records_op_counts(tiny_model_dirs):
    from harness.inputs import synthetic_batch

    model = _random_nonorm_mobilebert(tiny_model_dirs)
    prepared = BACKENDS["pytorch-folded"].prepare(model, synthetic_batch(2, 16, 128))
    details = prepared.details
    assert details["ops_after_rewrite"]["aten_ops"] < details["ops_before"]["aten_ops"]
    assert details["rewrite"]["nonorm_folded"] > 0


def test_openvino_passes_the_gate(tiny_bert_dir):
    pytest.importorskip("openvino")
    config = ModelMeta.from_local_dir(tiny_bert_dir).build_config()
    report = check_parity(BACKENDS["openvino"], config, REFERENCE)
    assert report.passed and report.max_abs_logit_diff < 1e-4, report


def test_openvino_int8_passes_the_gate_and_really_quantizes(tiny_bert_dir):
    pytest.importorskip("openvino")
    pytest.importorskip("nncf")
    from transformers import AutoModelForSequenceClassification

    from harness.inputs import synthetic_batch

    config = ModelMeta.from_local_dir(tiny_bert_dir).build_config()
    report = check_parity(BACKENDS["openvino-int8"], config, REFERENCE)
    assert report.passed, report
    assert report.max_abs_logit_diff > 1e-5  # int8 rounding really happened
    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir).eval()
    prepared = BACKENDS["openvino-int8"].prepare(model, synthetic_batch(2, 16, 128))
    assert prepared.details["config"]["DYNAMIC_QUANTIZATION_GROUP_SIZE"] == "32"
    assert "INT8_SYM" in prepared.details["weights"]
    prepared.close()


def test_torchao_int8_passes_the_gate_and_really_quantizes(tiny_bert_dir):
    pytest.importorskip("torchao")
    config = ModelMeta.from_local_dir(tiny_bert_dir).build_config()
    report = check_parity(BACKENDS["torchao-int8"], config, REFERENCE)
    assert report.passed, report
    assert report.max_abs_logit_diff > 1e-5  # int8 rounding really happened
    assert np.isfinite(report.max_abs_logit_diff)


def test_executorch_xnnpack_passes_the_gate_and_lowers_each_shape_once(tiny_bert_dir):
    pytest.importorskip("executorch")
    from transformers import AutoModelForSequenceClassification

    from harness.inputs import synthetic_batch

    config = ModelMeta.from_local_dir(tiny_bert_dir).build_config()
    report = check_parity(BACKENDS["executorch-xnnpack"], config, REFERENCE)
    assert report.passed and report.max_abs_logit_diff < 1e-4, report
    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir).eval()
    prepared = BACKENDS["executorch-xnnpack"].prepare(
        model, synthetic_batch(1, 16, 128), shapes=[(1, 16), (2, 8)])
    assert set(prepared.details["lowering_s_by_shape"]) == {"1x16", "2x8"}
    prepared.logits(synthetic_batch(2, 8, 128))  # already lowered: no new program
    assert len(prepared.details["lowering_s_by_shape"]) == 2


def test_static_shape_backends_run_only_where_the_shapes_are_known():
    from bench.run.jobs import plan_jobs

    skipped: list[str] = []
    jobs = plan_jobs(["tinybert"], ["latency", "padding"], mode="quick", threads=2,
                     overrides={"backends": ["executorch-xnnpack"]}, on_skip=skipped.append)
    if BACKENDS["executorch-xnnpack"].unavailable():
        pytest.skip("executorch not installed")
    assert [j.suite for j in jobs] == ["latency"]
    assert any("padding/executorch-xnnpack" in m and "per input shape" in m for m in skipped)


def test_torchao_mixed_keeps_the_first_block_and_the_head_in_fp32(tiny_model_dirs):
    pytest.importorskip("torchao")
    from transformers import AutoModelForSequenceClassification

    from harness.inputs import synthetic_batch

    for family, head in (("bert", "classifier"), ("distilbert", "pre_classifier")):
        model = AutoModelForSequenceClassification.from_pretrained(tiny_model_dirs[family])
        prepared = BACKENDS["torchao-int8-mixed"].prepare(model.eval(), synthetic_batch(2, 8, 128))
        kept = prepared.details["fp32_linear_layers"]
        assert head in kept and all("layer.1." not in name for name in kept)
        assert any("layer.0." in name for name in kept)
        assert prepared.details["quantized_linear_layers"] > 0
    config = ModelMeta.from_local_dir(tiny_model_dirs["bert"]).build_config()
    assert check_parity(BACKENDS["torchao-int8-mixed"], config, REFERENCE).passed
