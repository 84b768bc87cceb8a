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

    from harness.inputs import synthetic_batch

    inputs = synthetic_batch(batch_size, seq_len, model.config.vocab_size, seed)
    counter = FlopCounterMode(display=False)
    with torch.inference_mode(), counter:
        model(**inputs)
    return int(counter.get_total_flops())


def counted_flops(model: Any, batch_size: int, seq_len: int, seed: int = 0) -> int:
    """:func:`forward_flops` on the eager attention graph, whatever ``model`` was built with.

    The counter sees no products inside a fused SDPA kernel on CPU, so the model is switched
    to explicit attention for the count and switched back.
    """
    from models_registry.loading import attention_implementation

    current = attention_implementation(model)
    if current == "eager":
        return forward_flops(model, batch_size, seq_len, seed)
    model.set_attn_implementation("eager")
    try:
        return forward_flops(model, batch_size, seq_len, seed)
    finally:
        model.set_attn_implementation(current)
