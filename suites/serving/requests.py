"""The requests a served model answers: real text, tokenized by the model's own tokenizer,
a seeded sample. Their token lengths are what dynamic padding and batching work with.

``news``: texts of a news file (the padding suite's source: ``--welfake`` and its column
options; the shared headlines give short requests, articles long ones). ``squad``: question
+ context windows of a SQuAD file, as a deployed reader sends them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from harness.data.errors import DataError

SETS = ("news", "squad")
MAX_LENGTH = {"news": 512, "squad": 384}  # news as the padding suite; SQuAD's usual window


@dataclass
class RequestSet:
    name: str
    input_ids: list[list[int]]
    token_type_ids: list[list[int]] | None
    data_fingerprint: str  # of the source rows sampled
    source: str
    max_length: int
    # SQuAD only: (examples, their windows grouped by question, the windowing), for the
    # accuracy mode
    squad: tuple[list[Any], list[list[Any]], Any] | None = None

    @property
    def lengths(self) -> list[int]:
        return [len(x) for x in self.input_ids]

    @property
    def fingerprint(self) -> str:
        """Of the token ids themselves: what was served, whatever the tokenizer."""
        digest = hashlib.sha256()
        for row in self.input_ids:
            digest.update(b",".join(str(t).encode() for t in row) + b";")
        return digest.hexdigest()[:16]

    def batch(self, indices: list[int], width: int) -> dict[str, Any]:
        import torch

        ids = torch.zeros((len(indices), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        types = torch.zeros_like(ids) if self.token_type_ids is not None else None
        for k, i in enumerate(indices):
            n = min(len(self.input_ids[i]), width)
            ids[k, :n] = torch.tensor(self.input_ids[i][:n])
            mask[k, :n] = 1
            if types is not None:
                types[k, :n] = torch.tensor(self.token_type_ids[i][:n])
        out = {"input_ids": ids, "attention_mask": mask}
        if types is not None:
            out["token_type_ids"] = types
        return out

    def describe(self) -> dict[str, Any]:
        from harness.padding import length_summary

        return {"set": self.name, "requests": len(self.input_ids), "source": self.source,
                "data_fingerprint": self.data_fingerprint,
                "token_fingerprint": self.fingerprint,
                "lengths": length_summary(self.lengths, self.max_length)}


def news_requests(source: dict[str, Any], tokenizer: Any, n: int, seed: int, limit: int
                  ) -> RequestSet:
    from harness.data.news import NewsSource, load_news

    data = load_news(NewsSource.from_dict(source))
    sample = data.stratified_sample(n, seed)
    texts = list(sample.texts)
    if not texts:
        raise DataError(f"news set {source.get('path')!r}: no rows to serve")
    length = min(MAX_LENGTH["news"], limit)
    encoded = tokenizer(texts, truncation=True, max_length=length)
    return RequestSet("news", [list(x) for x in encoded["input_ids"]], None,
                      sample.fingerprint, str(source.get("path") or source.get("name")), length)


def squad_requests(path: str, version: str, tokenizer: Any, n: int, seed: int, limit: int,
                   token_types: bool = False) -> RequestSet:
    """Every window of ``n`` sampled questions (a long context gives several)."""
    from harness.data.squad import load_squad
    from harness.qa.answering import question_windows
    from harness.qa.processing import DOC_STRIDE, MAX_ANSWER_LENGTH, N_BEST, Windowing

    length = min(MAX_LENGTH["squad"], limit)
    w = Windowing(length, min(DOC_STRIDE, length // 2), N_BEST, MAX_ANSWER_LENGTH)
    dev = load_squad(path, version).sample(n, seed)
    examples = list(dev.examples)
    grouped = question_windows(examples, tokenizer, w)
    flat = [x for group in grouped for x in group]
    types = ([list(x.token_type_ids or [0] * len(x.input_ids)) for x in flat]
             if token_types else None)
    return RequestSet("squad", [list(x.input_ids) for x in flat], types, dev.fingerprint,
                      f"{path} (SQuAD v{version})", length, squad=(examples, grouped, w))
