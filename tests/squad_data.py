"""Generated SQuAD-format data a tiny model can learn: the answer is the one 'report' word in
the context (none in an unanswerable v2.0 question), among filler; contexts of two lengths so
that long ones span several windows. Nothing from a hub, nothing shared."""

from __future__ import annotations

import json
import random
from pathlib import Path

from tests.accuracy_data import FAKE_WORDS, FILLER, REAL_WORDS


def qa_articles(n: int, *, seed: int, unanswerable: float = 0.0, long_every: int = 5
                ) -> list[dict]:
    """Official-layout articles holding ``n`` questions, one per paragraph."""
    rng = random.Random(seed)
    paragraphs = []
    for i in range(n):
        words = [rng.choice(FILLER) for _ in range(60 if i % long_every == 0 else 14)]
        question = f"which {rng.choice(FAKE_WORDS)} ?"
        qa = {"id": f"q{seed}-{i}", "question": question, "answers": []}
        if rng.random() >= unanswerable:
            at = rng.randrange(len(words))
            words[at] = rng.choice(REAL_WORDS)
            context = " ".join(words)
            start = len(" ".join(words[:at])) + (1 if at else 0)
            qa["answers"] = [{"text": words[at], "answer_start": start}]
        else:
            context = " ".join(words)
            qa["is_impossible"] = True
        paragraphs.append({"context": context, "qas": [qa]})
    return [{"title": f"article {a}", "paragraphs": paragraphs[a::3]} for a in range(3)]


def write_squad(path: Path, n: int, *, seed: int = 0, version: str = "1.1") -> Path:
    articles = qa_articles(n, seed=seed, unanswerable=0.3 if version == "2.0" else 0.0)
    path.write_text(json.dumps({"version": f"v{version}", "data": articles}), encoding="utf-8")
    return path
