"""PyTorch backends: eager mode (sdpa or explicit attention), ``torch.compile``, bf16, int8."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Any

from harness.backends.base import Backend, Batch, cpu_flags


def _torch_call(model: Any):
    import torch

    def call(batch: Batch):
        with torch.inference_mode():
            return model(**batch).logits

    return call


def compiled_call(model: Any, example: Batch, **options: Any):
    """The call of ``torch.compile(model, **options)``, compiled on ``example``'s shape (the
    first call per shape compiles; paying it here records it in prepare's time, apart from
    inference). It never silently runs eager: dynamo's recompile limit is per code object
    (``forward`` of a model class, shared by every model and backend in one process) and is
    8 by default, after which it falls back to eager without a word; here it is raised to 64
    and hitting it is an error."""
    import torch

    config = torch._dynamo.config
    config.recompile_limit = max(config.recompile_limit, 64)
    config.fail_on_recompile_limit_hit = True
    call = _torch_call(torch.compile(model, **options))
    call(example)
    return call


def _float_logits(logits: Any):
    return logits.float().numpy()


class PytorchSdpa(Backend):
    name = "pytorch-sdpa"
    description = "PyTorch eager mode, fp32, scaled_dot_product_attention (the reference)"

    def _convert(self, model, example, workdir: Path):
        model.eval()
        return _torch_call(model), _float_logits, {}


class PytorchEagerAttention(PytorchSdpa):
    name = "pytorch-eager-attn"
    description = "PyTorch eager mode, fp32, attention as explicit matmul + softmax"
    attn_implementation = "eager"


class TorchCompile(Backend):
    name = "torch-compile"
    description = "torch.compile (inductor, default mode), fp32; compile time is the first call"

    def _convert(self, model, example, workdir: Path):
        model.eval()
        call = compiled_call(model, example)
        return call, _float_logits, {"mode": "default", "backend": "inductor"}


class PytorchBf16(Backend):
    name = "pytorch-bf16"
    description = "PyTorch eager mode, weights and activations in bfloat16 (oneDNN)"
    precision = "bf16"

    def unavailable(self) -> str | None:
        flags = cpu_flags()
        if not flags & {"avx512_bf16", "amx_bf16"}:
            return ("backend 'pytorch-bf16' needs a CPU with avx512_bf16 or amx_bf16 "
                    "(bf16 elsewhere is emulated and not worth timing)")
        return None

    def _convert(self, model, example, workdir: Path):
        import torch

        converted = copy.deepcopy(model).eval().to(torch.bfloat16)
        flags = sorted(cpu_flags() & {"avx512_bf16", "amx_bf16"})
        return _torch_call(converted), _float_logits, {"cpu_bf16_flags": flags}


class PytorchDynamicInt8(Backend):
    name = "pytorch-int8"
    description = ("PyTorch dynamic int8 quantization of every nn.Linear (fbgemm/x86) through "
                   "the deprecated torch.ao API; torchao-int8 is its successor")
    precision = "int8"

    def _convert(self, model, example, workdir: Path):
        import torch

        with warnings.catch_warnings():
            # torch.ao eager quantization is deprecated in favour of torchao; it still ships
            # in torch and is what most deployments of these models use.
            warnings.simplefilter("ignore")
            quantized = torch.ao.quantization.quantize_dynamic(
                copy.deepcopy(model).eval(), {torch.nn.Linear}, dtype=torch.qint8
            )
        n_linear = sum(isinstance(m, torch.nn.Linear) for m in model.modules())
        details = {"quantized_linear_layers": n_linear,
                   "quantized_engine": torch.backends.quantized.engine,
                   "api": "torch.ao.quantization.quantize_dynamic"}
        return _torch_call(quantized), _float_logits, details
