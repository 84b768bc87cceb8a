"""Checked before any job starts: is a declared architecture a real one, and does a job's
largest point fit in this machine's memory?

Without these, a config with ``num_hidden_layers: -3`` builds an empty encoder that is
timed and stored as ``ok``, and ``hidden_size: 1000000`` or ``--batch-sizes 100000``
allocate for minutes before the kernel kills the worker. The estimate is a lower bound
(weights plus the activations one encoder layer holds at once under inference mode), so a
refusal is never a false alarm; a point under it can still swap.
"""

from __future__ import annotations

from typing import Any

# Sizes a transformers config of the BERT families declares; each one a positive integer.
SIZE_KEYS = ("num_hidden_layers", "hidden_size", "num_attention_heads", "intermediate_size",
             "vocab_size", "max_position_embeddings", "embedding_size", "true_hidden_size",
             "n_layers", "n_heads", "dim", "hidden_dim")
FP32 = 4


def config_problems(config: dict[str, Any]) -> list[str]:
    """Every size key that is not a positive integer, named with its value."""
    return [f"config {key} = {config[key]!r} must be a positive integer"
            for key in SIZE_KEYS if key in config
            and (not isinstance(config[key], int) or isinstance(config[key], bool)
                 or config[key] < 1)]


def _size(config: dict[str, Any], *keys: str, default: int = 0) -> int:
    return next((int(config[k]) for k in keys if isinstance(config.get(k), int)), default)


def estimated_bytes(config: dict[str, Any], batch: int, seq: int) -> int:
    """A lower bound of the fp32 memory a forward pass of ``batch`` × ``seq`` tokens needs."""
    hidden = _size(config, "hidden_size", "dim")
    layers = _size(config, "num_hidden_layers", "n_layers")
    inter = _size(config, "intermediate_size", "hidden_dim", default=4 * hidden)
    heads = _size(config, "num_attention_heads", "n_heads", default=1)
    vocab = _size(config, "vocab_size")
    positions = _size(config, "max_position_embeddings")
    parameters = (vocab + positions) * hidden + layers * (4 * hidden * hidden
                                                          + 2 * hidden * inter)
    # One layer at a time: its input and output states, the FFN's wide activation, and the
    # attention scores with their softmax.
    activations = batch * seq * (2 * hidden + inter) + 2 * batch * heads * seq * seq
    return FP32 * (parameters + activations)


def memory_problem(config: dict[str, Any], batch: int, seq: int, available: int) -> str | None:
    """Why the point cannot fit in ``available`` bytes, or None."""
    need = estimated_bytes(config, batch, seq)
    if need <= available:
        return None
    return (f"batch {batch} × {seq} tokens needs at least {need / 2**30:.1f} GiB (fp32 "
            f"weights and one layer's activations), {available / 2**30:.1f} GiB is available; "
            "choose smaller --batch-sizes/--seq-lens or a smaller model")
