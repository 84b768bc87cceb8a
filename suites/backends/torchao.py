"""torchao dynamic int8 (int8 activations per token, int8 weights per channel), compiled.

torchao is what PyTorch points to now that ``torch.ao.quantization.quantize_dynamic`` is
deprecated. Its int8 tensors are fast on CPU only under ``torch.compile`` (inductor lowers
them to oneDNN int8 GEMMs; eager mode dequantizes): measured here at BERT-base b8/s128,
2 threads: eager 390 ms, compiled 208 ms, the old ``torch.ao`` path 246 ms. So this backend
compiles, and ``pytorch-int8`` (the ``torch.ao`` path) stays as the fallback where torchao
is not installed and as the comparison against deployed models that still use it.
"""

from __future__ import annotations

import copy
from pathlib import Path

from suites.backends.base import Backend
from suites.backends.pytorch import _float_logits, _torch_call


class TorchaoInt8(Backend):
    name = "torchao-int8"
    description = ("torchao Int8DynamicActivationInt8WeightConfig on every nn.Linear "
                   "(per-token activations, per-channel weights) + torch.compile (inductor)")
    precision = "int8"
    requires = ("torchao",)
    install_extra = "torchao"

    def _convert(self, model, example, workdir: Path):
        import torch
        import torchao
        from torchao.quantization import Int8DynamicActivationInt8WeightConfig, quantize_

        quantized = copy.deepcopy(model).eval()
        quantize_(quantized, Int8DynamicActivationInt8WeightConfig())
        compiled = torch.compile(quantized)
        _torch_call(compiled)(example)  # compile on the example shape, inside prepare's time
        n_linear = sum(isinstance(m, torch.nn.Linear) for m in model.modules())
        details = {"torchao_version": torchao.__version__,
                   "config": "Int8DynamicActivationInt8WeightConfig()",
                   "quantized_linear_layers": n_linear, "compile": "inductor, default mode"}
        return _torch_call(compiled), _float_logits, details
