"""FLOPs of one forward pass, counted by ``torch.utils.flop_counter`` on the eager graph.

What is counted: 2 × multiply-accumulates of every matmul, linear, bmm and the attention
score/value products (the convention of the MobileBERT paper's 22.5 / 5.7 GFLOPs at 128
tokens). Not counted: softmax, normalization, activations, embedding lookups, additions.
"""

from __future__ import annotations

from typing import Any

FLOPS_COUNTED = (
    "2 x multiply-accumulates of matmul/linear/bmm incl. attention QK^T and AV "
    "(torch.utils.flop_counter on eager attention); excludes softmax, norms, activations, "
    "embedding lookups"
)


def forward_flops(model: Any, batch_size: int, seq_len: int, seed: int = 0) -> int:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from suites.inputs import synthetic_batch

    inputs = synthetic_batch(batch_size, seq_len, model.config.vocab_size, seed)
    counter = FlopCounterMode(display=False)
    with torch.inference_mode(), counter:
        model(**inputs)
    return int(counter.get_total_flops())
