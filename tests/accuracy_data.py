"""Generated data and tokenizers for the accuracy tests: nothing from a hub, nothing shared."""

from __future__ import annotations

import random
from pathlib import Path

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
FAKE_WORDS = [f"shock{i}" for i in range(20)]
REAL_WORDS = [f"report{i}" for i in range(20)]
FILLER = [f"word{i}" for i in range(60)]
VOCAB = SPECIALS + FAKE_WORDS + REAL_WORDS + FILLER  # 105 entries < TINY_VOCAB


def write_tokenizer(family: str, directory: Path) -> Path:
    """A WordPiece tokenizer from a vocabulary this test writes, saved beside the model."""
    from transformers import BertTokenizer, DistilBertTokenizer, MobileBertTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    vocab = directory / "vocab.txt"
    vocab.write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    cls = {"bert": BertTokenizer, "distilbert": DistilBertTokenizer,
           "mobilebert": MobileBertTokenizer}[family]
    # transformers 5 takes the vocabulary as ``vocab`` (a silently ignored ``vocab_file`` gives
    # a tokenizer that maps every word to [UNK]; test_tokenizer_knows_the_vocab guards it).
    cls(vocab=str(vocab), do_lower_case=True).save_pretrained(directory)
    return directory


def news_text(label: str, rng: random.Random, n_words: int = 12) -> str:
    """Fake rows carry 'shock' words, real rows 'report' words, both among filler: learnable."""
    cue = FAKE_WORDS if label == "fake" else REAL_WORDS
    words = [rng.choice(FILLER) for _ in range(n_words)]
    for _ in range(3):
        words[rng.randrange(n_words)] = rng.choice(cue)
    return " ".join(words)


def write_news_csv(path: Path, n: int, *, seed: int = 0, label_column: str = "label",
                   fake_value: int = 1, real_value: int = 0, with_title: bool = True) -> Path:
    """WELFake-shaped CSV: title, text, label (1 = fake by default)."""
    import pandas as pd

    rng = random.Random(seed)
    rows = []
    for i in range(n):
        label = "fake" if i % 2 else "real"
        row = {"text": news_text(label, rng),
               label_column: fake_value if label == "fake" else real_value}
        if with_title:
            row = {"title": news_text(label, rng, 4), **row}
        rows.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def write_mnli_dir(directory: Path, n: int, *, seed: int = 0) -> Path:
    """GLUE-shaped tsv files: validation_matched/_mismatched and train (learnable: the
    hypothesis repeats premise words for entailment, cue words for the others)."""
    import pandas as pd

    rng = random.Random(seed)
    labels = ("entailment", "neutral", "contradiction")
    cues = {"neutral": REAL_WORDS, "contradiction": FAKE_WORDS}
    directory.mkdir(parents=True, exist_ok=True)
    for split, size in (("validation_matched", n), ("validation_mismatched", n),
                        ("train", 4 * n)):
        rows = []
        for i in range(size):
            label = labels[i % 3]
            premise = " ".join(rng.choice(FILLER) for _ in range(8))
            if label == "entailment":
                hypothesis = " ".join(premise.split()[:4])
            else:
                hypothesis = " ".join(rng.choice(cues[label]) for _ in range(4))
            rows.append({"pairID": f"{split}-{i}", "sentence1": premise,
                         "sentence2": hypothesis, "gold_label": label})
        pd.DataFrame(rows).to_csv(directory / f"{split}.tsv", sep="\t", index=False)
    return directory
