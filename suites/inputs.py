"""Seeded synthetic inputs: the same ids for every model that shares a vocabulary."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

CLS_ID, SEP_ID = 101, 102  # BERT uncased vocabulary; any id < vocab_size is fine for cost


def synthetic_batch(
    batch_size: int, seq_len: int, vocab_size: int, seed: int = 0
) -> dict[str, torch.Tensor]:
    """``[CLS] tokens… [SEP]`` at full length with an all-ones mask: a batch padded to seq_len."""
    import torch

    generator = torch.Generator().manual_seed(seed * 1_000_003 + batch_size * 1009 + seq_len)
    low = min(1000, max(vocab_size // 2, 1))
    ids = torch.randint(low, vocab_size, (batch_size, seq_len), generator=generator)
    if seq_len >= 2 and vocab_size > SEP_ID:
        ids[:, 0], ids[:, -1] = CLS_ID, SEP_ID
    return {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
