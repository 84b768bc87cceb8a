"""A backend turns an fp32 PyTorch classifier into something callable on a batch of ids.

The same ``prepare`` serves the parity model and the model that is timed, so the gate
checks exactly the conversion that is measured.
"""

from __future__ import annotations

import importlib.util
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

Precision = Literal["fp32", "bf16", "int8"]
Batch = dict[str, Any]  # input_ids / attention_mask as int64 torch tensors
INPUT_NAMES = ("input_ids", "attention_mask")  # what exported graphs take, in this order


@dataclass
class Prepared:
    """A converted model: ``call`` is what is timed, ``logits`` is what parity compares."""

    call: Callable[[Batch], Any]
    to_logits: Callable[[Any], Any]
    prepare_s: float
    details: dict[str, Any] = field(default_factory=dict)
    workdir: tempfile.TemporaryDirectory | None = None

    def logits(self, batch: Batch):
        """float32 numpy logits of one batch."""
        import numpy as np

        return np.asarray(self.to_logits(self.call(batch)), dtype=np.float32)

    def close(self) -> None:
        if self.workdir is not None:
            self.workdir.cleanup()
            self.workdir = None


def cpu_flags() -> set[str]:
    """The CPU feature flags (Linux); read without importing torch, so the launcher can plan."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


class Backend(ABC):
    name: ClassVar[str]
    description: ClassVar[str]
    precision: ClassVar[Precision] = "fp32"
    # Attention implementation the PyTorch model is built with before conversion.
    attn_implementation: ClassVar[str] = "sdpa"
    requires: ClassVar[tuple[str, ...]] = ()  # importable packages (= their distributions)
    install_extra: ClassVar[str] = "onnx"  # the pyproject extra that installs ``requires``
    # One program per input shape and no way to take others cheaply: runs only in suites
    # whose shapes are known ahead (``Suite.fixed_shapes``).
    static_shapes: ClassVar[bool] = False
    # Compiles on the first call of each shape (torch.compile with dynamic=False, ExecuTorch
    # lowering): prepare calls every shape it is given once, so compilation lands in
    # ``prepare_s``, not in warm-up.
    compiles_per_shape: ClassVar[bool] = False
    # What the converted model takes and gives, so callers ask the backend instead of
    # guessing from its name: token_type_ids (sentence pairs), and span models (extractive
    # QA: start and end logits per token, not one row of class logits).
    accepts_token_type_ids: ClassVar[bool] = True
    converts_span_models: ClassVar[bool] = True

    def unavailable(self) -> str | None:
        """Why this backend cannot run on this machine, or None. Never imports torch."""
        missing = [p for p in self.requires if importlib.util.find_spec(p) is None]
        if missing:
            return (f"backend {self.name!r} needs {', '.join(missing)}: "
                    f"pip install -c constraints.txt -e '.[{self.install_extra}]'")
        return None

    def prepare(self, model: Any, example: Batch,
                shapes: Sequence[tuple[int, int]] = ()) -> Prepared:
        """Convert (timed apart from inference: export, quantization, casts). ``shapes``:
        the (batch, sequence) shapes that will be called, compiled here where the backend
        compiles per shape."""
        model = self._with_attention(model)
        workdir = tempfile.TemporaryDirectory(prefix=f"backend-{self.name}-")
        started = time.perf_counter()
        call, to_logits, details = self._convert(model, example, Path(workdir.name))
        if self.compiles_per_shape:
            from harness.inputs import synthetic_batch

            vocab = getattr(model.config, "vocab_size", 2)
            for batch_size, seq_len in shapes:
                call(synthetic_batch(batch_size, seq_len, vocab))
        prepared = Prepared(call, to_logits, time.perf_counter() - started, details, workdir)
        return prepared

    def _with_attention(self, model: Any) -> Any:
        """The model with this backend's attention (a copy when it was built otherwise, as
        the parity model is; timed jobs build it right in the first place)."""
        from models_registry.loading import attention_implementation

        if attention_implementation(model) == self.attn_implementation:
            return model
        import copy

        model = copy.deepcopy(model)
        model.set_attn_implementation(self.attn_implementation)
        return model

    @abstractmethod
    def _convert(
        self, model: Any, example: Batch, workdir: Path
    ) -> tuple[Callable[[Batch], Any], Callable[[Any], Any], dict[str, Any]]:
        """(call, output → logits, details)."""
