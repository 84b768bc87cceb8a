"""ONNX Runtime on CPU: fp32 with its transformer fusions and graph optimizations, and
dynamic int8 quantization of that same graph."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from harness.backends.base import INPUT_NAMES, Backend, Batch

OPSET = 17


def export_onnx(model: Any, example: Batch, path: Path) -> None:
    """TorchScript exporter with dynamic batch and sequence axes."""
    import torch

    dynamic = {name: {0: "batch", 1: "sequence"} for name in INPUT_NAMES}
    dynamic["logits"] = {0: "batch"}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model.eval(), tuple(example[n] for n in INPUT_NAMES), str(path),
            input_names=list(INPUT_NAMES), output_names=["logits"],
            dynamic_axes=dynamic, opset_version=OPSET, dynamo=False,
        )


def fuse_transformer(path: Path, model: Any, out: Path) -> dict[str, int]:
    """ONNX Runtime's BERT fusions (attention, skip-layernorm, bias-gelu); what fused."""
    from onnxruntime.transformers.optimizer import optimize_model

    config = model.config
    heads = getattr(config, "num_attention_heads", None) or getattr(config, "n_heads", 0)
    hidden = getattr(config, "hidden_size", None) or getattr(config, "dim", 0)
    optimized = optimize_model(
        str(path), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=0
    )
    optimized.save_model_to_file(str(out))
    return {k: v for k, v in optimized.get_fused_operator_statistics().items() if v}


def session(path: Path, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _session_call(sess: Any):
    def call(batch: Batch):
        feed = {name: batch[name].numpy() for name in INPUT_NAMES}
        return sess.run(None, feed)[0]

    return call


class OnnxRuntime(Backend):
    name = "onnxruntime"
    description = ("ONNX Runtime CPU, fp32: opset-17 export, transformer fusions, "
                   "ORT_ENABLE_ALL graph optimizations")
    requires = ("onnxruntime", "onnx")
    accepts_token_type_ids = False  # the exported graph takes INPUT_NAMES only
    converts_span_models = False  # the export is built for sequence classifiers' logits

    def _graph(self, model: Any, example: Batch, workdir: Path) -> tuple[Path, dict]:
        import onnxruntime
        import torch

        exported = workdir / "model.onnx"
        export_onnx(model, example, exported)
        optimized = workdir / "model.opt.onnx"
        fused = fuse_transformer(exported, model, optimized)
        return optimized, {"onnxruntime_version": onnxruntime.__version__, "opset": OPSET,
                           "fused_operators": fused, "intra_op_threads": torch.get_num_threads()}

    def _convert(self, model, example, workdir: Path):
        import torch

        path, details = self._graph(model, example, workdir)
        return _session_call(session(path, torch.get_num_threads())), lambda out: out, details


class OnnxRuntimeInt8(OnnxRuntime):
    name = "onnxruntime-int8"
    description = "ONNX Runtime CPU, dynamic int8 (QInt8 weights, per-tensor) of the fused graph"
    precision = "int8"

    def _convert(self, model, example, workdir: Path):
        import logging

        import onnx
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic

        path, details = self._graph(model, example, workdir)
        quantized = workdir / "model.int8.onnx"
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # its "consider pre-processing" advice, on the root logger
        try:
            # The fused graph has contrib ops (Attention, SkipLayerNormalization) that ONNX
            # shape inference cannot type; their outputs are float32.
            quantize_dynamic(str(path), str(quantized), weight_type=QuantType.QInt8,
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        finally:
            root.setLevel(level)
        details["quantization"] = "onnxruntime.quantization.quantize_dynamic QInt8"
        sess = session(quantized, torch.get_num_threads())
        return _session_call(sess), lambda out: out, details
