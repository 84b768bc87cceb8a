"""ExecuTorch with the XNNPACK delegate: the runtime phones run PyTorch models with, here on
x86 as a phone-class proxy (XNNPACK is the same library on both; the ISA is not).

Each (batch, sequence) shape is exported and lowered once, statically, as apps ship it: a
dynamic-shape program lowered here ran MobileBERT b1/s128 3x slower than a static one. A
shape is lowered on its first call; ``prepare`` lowers the example's and calls the sweep's
shapes once (``compiles_per_shape``), so their lowering is recorded apart from inference.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from harness.backends.base import INPUT_NAMES, Backend, Batch


def _logits_module(model: Any):
    import torch

    class Logits(torch.nn.Module):
        """What is exported: two tensors in, logits out."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).logits

    return Logits().eval()


def lower_xnnpack(model: Any, batch: Batch) -> bytes:
    """An ExecuTorch program (.pte bytes) for ``batch``'s shape, XNNPACK-delegated."""
    import torch
    from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner
    from executorch.exir import to_edge_transform_and_lower

    with torch.no_grad():
        exported = torch.export.export(_logits_module(model),
                                       tuple(batch[n] for n in INPUT_NAMES))
    lowered = to_edge_transform_and_lower(exported, partitioner=[XnnpackPartitioner()])
    return lowered.to_executorch().buffer


class ExecuTorchXnnpack(Backend):
    name = "executorch-xnnpack"
    description = ("ExecuTorch runtime, XNNPACK delegate, fp32, static shapes (the mobile "
                   "runtime; on x86 a proxy for a phone's CPU path)")
    requires = ("executorch",)
    install_extra = "executorch"
    static_shapes = True
    compiles_per_shape = True

    def _convert(self, model, example, workdir: Path):
        from importlib import metadata

        import torch
        from executorch.extension.pybindings import portable_lib
        from executorch.runtime import Runtime

        threads = torch.get_num_threads()
        portable_lib._unsafe_reset_threadpool(threads)  # XNNPACK's pool; default: all cores
        runtime = Runtime.get()
        methods: dict[tuple[int, ...], Any] = {}
        lowering_s: dict[str, float] = {}
        sizes: dict[str, int] = {}

        def method_for(batch: Batch) -> Any:
            shape = tuple(batch["input_ids"].shape)
            if shape not in methods:
                started = time.perf_counter()
                program = lower_xnnpack(model, batch)
                key = "x".join(map(str, shape))
                lowering_s[key] = round(time.perf_counter() - started, 2)
                sizes[key] = len(program)
                loaded = runtime.load_program(program)
                # The method reads the program and its buffer without owning them: all
                # three live as long as the backend (a freed one crashed execute).
                methods[shape] = (program, loaded, loaded.load_method("forward"))
            return methods[shape][2]

        method_for(example)  # as torch.compile backends compile theirs: inside prepare

        def call(batch: Batch) -> Any:
            return method_for(batch).execute([batch[n] for n in INPUT_NAMES])[0]

        details = {"executorch_version": metadata.version("executorch"),
                   "delegate": "XnnpackPartitioner", "threads": threads,
                   "lowering_s_by_shape": lowering_s, "program_bytes_by_shape": sizes}
        return call, lambda out: out.float().numpy(), details
