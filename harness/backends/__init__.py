"""Inference backends: an axis of the latency and memory suites. Importing never imports torch."""

from __future__ import annotations

from typing import Any

from harness.backends.base import Backend, Prepared
from harness.backends.executorch import ExecuTorchXnnpack
from harness.backends.folded import FoldedCompile, PytorchFolded
from harness.backends.onnxruntime import OnnxRuntime, OnnxRuntimeInt8
from harness.backends.openvino import OpenVino, OpenVinoInt8
from harness.backends.pytorch import (
    PytorchBf16,
    PytorchDynamicInt8,
    PytorchEagerAttention,
    PytorchSdpa,
    TorchCompile,
)
from harness.backends.torchao import TorchaoInt8, TorchaoInt8Mixed

REFERENCE = "pytorch-sdpa"  # fp32 eager: what every speed-up and parity figure is against
BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (PytorchSdpa(), PytorchEagerAttention(), TorchCompile(), PytorchBf16(),
              PytorchDynamicInt8(), OnnxRuntime(), OnnxRuntimeInt8(), PytorchFolded(),
              FoldedCompile(), OpenVino(), OpenVinoInt8(), TorchaoInt8(), TorchaoInt8Mixed(),
              ExecuTorchXnnpack())
}


def backend_of(result: Any) -> str:
    """The backend a stored result ran on (results from before the backend axis: the
    reference)."""
    return result.config.get("backend") or REFERENCE


def get_backend(name: str) -> Backend:
    if name not in BACKENDS:
        raise KeyError(f"unknown backend {name!r}; available: {', '.join(BACKENDS)}, all")
    return BACKENDS[name]


def expand_backends(names: list[str]) -> list[str]:
    """``all`` → every declared backend, reference first; order kept, duplicates dropped."""
    out: list[str] = []
    for name in names:
        for item in (BACKENDS if name == "all" else [get_backend(name).name]):
            if item not in out:
                out.append(item)
    return out


__all__ = ["BACKENDS", "REFERENCE", "Backend", "Prepared", "expand_backends", "get_backend"]
