"""OpenVINO on CPU: the PyTorch model converted by ``openvino.convert_model`` (dynamic batch
and sequence axes), compiled for latency with the run's thread count; fp32, and int8."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from harness.backends.base import INPUT_NAMES, Backend, Batch


class OpenVino(Backend):
    name = "openvino"
    description = ("OpenVINO CPU plugin, fp32 (precision hint f32: on bf16/AMX CPUs its "
                   "default would silently run bf16), latency hint, one stream")
    requires: ClassVar[tuple[str, ...]] = ("openvino",)
    install_extra = "openvino"
    # Properties of the CPU plugin this backend adds to the common ones.
    plugin_config: ClassVar[dict[str, Any]] = {}

    def _compress(self, converted: Any) -> tuple[Any, dict[str, Any]]:
        """The converted model as it will be compiled (fp32: unchanged)."""
        return converted, {}

    def _convert(self, model, example, workdir: Path):
        import openvino as ov
        import torch

        model.eval()
        inputs = {name: example[name] for name in INPUT_NAMES}
        with torch.inference_mode():
            converted = ov.convert_model(model, example_input=inputs)
        converted, compression = self._compress(converted)
        threads = torch.get_num_threads()
        config = {"INFERENCE_NUM_THREADS": threads, "INFERENCE_PRECISION_HINT": "f32",
                  "PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": 1, **self.plugin_config}
        compiled = ov.Core().compile_model(converted, "CPU", config)
        request = compiled.create_infer_request()

        def call(batch: Batch) -> Any:
            return request.infer({name: batch[name].numpy() for name in INPUT_NAMES})[0]

        details = {"openvino_version": ov.__version__, "device": "CPU",
                   "config": {k: str(v) for k, v in config.items()},
                   "execution_precision": str(compiled.get_property("INFERENCE_PRECISION_HINT")),
                   **compression}
        return call, lambda out: out, details


class OpenVinoInt8(OpenVino):
    """Data-free int8, the OpenVINO counterpart of ``torchao-int8``.

    NNCF stores every MatMul weight as int8 (symmetric, per output channel); the CPU plugin
    quantizes activations on the fly in groups of 32 along the reduction axis and runs int8
    GEMMs. Static int8 (``nncf.quantize`` with SmoothQuant and calibration) was faster here
    (MiniLM-L6 fine-tuned on the headlines, 1,000 validation rows, 2 threads: ×2.35 at
    b8/s128 vs ×1.37) but kept only 99.0% of fp32's answers (vs 99.4%) and needs calibration
    text, which the efficiency suites, timing random-init weights, do not have.
    """

    name = "openvino-int8"
    description = ("OpenVINO CPU plugin, int8: NNCF int8 symmetric per-channel weights, "
                   "activations quantized on the fly in groups of 32 (dynamic quantization)")
    precision = "int8"
    requires = ("openvino", "nncf")
    plugin_config: ClassVar[dict[str, Any]] = {"DYNAMIC_QUANTIZATION_GROUP_SIZE": 32}

    def _compress(self, converted: Any) -> tuple[Any, dict[str, Any]]:
        import logging

        import nncf

        nncf.set_log_level(logging.ERROR)  # its per-model bit-width table is not our output
        compressed = nncf.compress_weights(converted, mode=nncf.CompressWeightsMode.INT8_SYM)
        return compressed, {"nncf_version": nncf.__version__,
                            "weights": "nncf.compress_weights(mode=INT8_SYM), per channel"}
