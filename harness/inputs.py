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


SYNTHETIC_WORDS = 5000


def synthetic_word(i: int) -> str:
    """A pronounceable pseudo-word per index: distinct, lowercase, no digits."""
    consonants, vowels = "bcdfghjklmnpqrstvwz", "aeiou"
    out = []
    i += 1
    while i:
        i, r = divmod(i, len(consonants) * len(vowels))
        out.append(consonants[r % len(consonants)] + vowels[r // len(consonants)])
    return "".join(out)


def synthetic_texts(batch_size: int, n_words: int, seed: int = 0) -> list[str]:
    """``batch_size`` texts of ``n_words`` pseudo-words (Zipf-like draws), seeded.

    For the TF-IDF baseline, whose cost is in words, not subword tokens: ``seq_len`` words
    stands in for ``seq_len`` tokens (English averages about 1.3 WordPiece tokens per word,
    so this errs on the expensive side for the baseline).
    """
    import numpy as np

    rng = np.random.default_rng(seed * 1_000_003 + batch_size * 1009 + n_words)
    ranks = np.minimum(rng.zipf(1.3, size=(batch_size, n_words)), SYNTHETIC_WORDS) - 1
    return [" ".join(synthetic_word(int(r)) for r in row) for row in ranks]
