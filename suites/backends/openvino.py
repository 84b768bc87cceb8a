"""OpenVINO on CPU, fp32: the PyTorch model converted by ``openvino.convert_model`` (dynamic
batch and sequence axes), compiled for latency with the run's thread count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from suites.backends.base import INPUT_NAMES, Backend, Batch


class OpenVino(Backend):
    name = "openvino"
    description = ("OpenVINO CPU plugin, fp32 (precision hint f32: on bf16/AMX CPUs its "
                   "default would silently run bf16), latency hint, one stream")
    requires = ("openvino",)
    install_extra = "openvino"

    def _convert(self, model, example, workdir: Path):
        import openvino as ov
        import torch

        model.eval()
        inputs = {name: example[name] for name in INPUT_NAMES}
        with torch.inference_mode():
            converted = ov.convert_model(model, example_input=inputs)
        threads = torch.get_num_threads()
        config = {"INFERENCE_NUM_THREADS": threads, "INFERENCE_PRECISION_HINT": "f32",
                  "PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": 1}
        compiled = ov.Core().compile_model(converted, "CPU", config)
        request = compiled.create_infer_request()

        def call(batch: Batch) -> Any:
            return request.infer({name: batch[name].numpy() for name in INPUT_NAMES})[0]

        details = {"openvino_version": ov.__version__, "device": "CPU",
                   "config": {k: str(v) for k, v in config.items()},
                   "execution_precision": str(compiled.get_property("INFERENCE_PRECISION_HINT"))}
        return call, lambda out: out, details
