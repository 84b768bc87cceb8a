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
import re
from pathlib import Path
from typing import Any, ClassVar

from harness.backends.base import Backend
from harness.backends.pytorch import _float_logits, compiled_call


class TorchaoInt8(Backend):
    name = "torchao-int8"
    description = ("torchao Int8DynamicActivationInt8WeightConfig on every nn.Linear "
                   "(per-token activations, per-channel weights) + torch.compile (inductor)")
    precision = "int8"
    requires = ("torchao",)
    install_extra = "torchao"
    compiles_per_shape = True

    # Linear layers (by qualified name) left in fp32; none here.
    keep_fp32: ClassVar[str | None] = None

    def _kept(self, fqn: str) -> bool:
        return self.keep_fp32 is not None and re.search(self.keep_fp32, fqn) is not None

    def _convert(self, model, example, workdir: Path):
        import torch
        import torchao
        from torchao.quantization import Int8DynamicActivationInt8WeightConfig, quantize_

        quantized = copy.deepcopy(model).eval()

        def chosen(module: Any, fqn: str) -> bool:
            return isinstance(module, torch.nn.Linear) and not self._kept(fqn)

        quantize_(quantized, Int8DynamicActivationInt8WeightConfig(), filter_fn=chosen)
        # One specialised graph per shape: a graph recompiled as dynamic after the second
        # shape ran b8/s128 no faster than fp32 here (MobileBERT 251 vs 246 ms).
        call = compiled_call(quantized, example, dynamic=False)
        linears = [n for n, m in model.named_modules() if isinstance(m, torch.nn.Linear)]
        kept = [n for n in linears if self._kept(n)]
        details = {"torchao_version": torchao.__version__,
                   "config": "Int8DynamicActivationInt8WeightConfig()",
                   "quantized_linear_layers": len(linears) - len(kept),
                   "fp32_linear_layers": kept,
                   "compile": "inductor, default mode, dynamic=False"}
        return call, _float_logits, details


class TorchaoInt8Mixed(TorchaoInt8):
    """The int8 recipe that kept the answers of a real fine-tuned model.

    MiniLM-L6 fine-tuned on 6,000 FakeNewsNet headlines, 1,000 validation rows, argmax
    agreement with fp32: ``torch.ao`` per-tensor int8 96.2%; torchao per-channel int8 99.0%;
    quantizing one group at a time, the first encoder block cost the most (99.6% alone), and
    all but the first block gave 99.7% (all but the head 99.0%, all but the last block 99.1%).
    So the first block and the classification head stay fp32.
    """

    name = "torchao-int8-mixed"
    description = ("torchao-int8 with the first encoder block and the classification head "
                   "(pooler, classifier) kept in fp32: the layers int8 hurt most")
    keep_fp32 = r"(^|\.)layer\.0\.|(^|\.)(pooler|pre_classifier|classifier)(\.|$)"
