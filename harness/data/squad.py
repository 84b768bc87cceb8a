"""SQuAD v1.1 / v2.0 questions: the hub copy through ``datasets`` (online), or a file.

A file is either the official JSON (``{"data": [{"title", "paragraphs": [{"context", "qas":
[{"id", "question", "answers": [{"text", "answer_start"}], "is_impossible"}]}]}]}``) or JSON
lines in the hub's flat layout (``id, title, context, question, answers: {text,
answer_start}``). Every question is checked before any model work: a missing key, an empty
text, an answer that is not where ``answer_start`` says, or an unanswerable question in a
v1.1 file stops the run with the file, the question and the fix.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from harness.data.errors import DataError, encoding_hint

VERSIONS = ("1.1", "2.0")
HUB_IDS = {"1.1": "rajpurkar/squad", "2.0": "rajpurkar/squad_v2"}
OFFICIAL_FILES = {"1.1": "dev-v1.1.json", "2.0": "dev-v2.0.json"}
FLAGS = {"1.1": "--squad-v1", "2.0": "--squad-v2"}
TRAIN_FLAGS = {"1.1": "--squad-train-v1", "2.0": "--squad-train-v2"}


def fix(version: str) -> str:
    return (f"Pass SQuAD v{version} as {FLAGS[version]} FILE: the official "
            f"{OFFICIAL_FILES[version]} (https://rajpurkar.github.io/SQuAD-explorer/), or JSON "
            f"lines in the hub's layout (datasets.load_dataset('{HUB_IDS[version]}', "
            "split='validation').to_json(FILE))")


@dataclass(frozen=True)
class QAExample:
    id: str
    title: str
    context: str
    question: str
    answers: tuple[str, ...]  # empty: unanswerable (v2.0)
    answer_starts: tuple[int, ...]

    @property
    def has_answer(self) -> bool:
        return bool(self.answers)


@dataclass(frozen=True)
class SquadSet:
    version: str
    source: str
    examples: tuple[QAExample, ...]
    sampled_from: int | None = None  # questions in the file when this is a slice

    def __len__(self) -> int:
        return len(self.examples)

    @property
    def fingerprint(self) -> str:
        """sha256 of the questions in order: part of every result and verdict."""
        digest = hashlib.sha256()
        for example in self.examples:
            digest.update(json.dumps(asdict(example), sort_keys=True).encode())
        return digest.hexdigest()

    def describe(self) -> dict[str, Any]:
        answerable = sum(e.has_answer for e in self.examples)
        return {"version": self.version, "source": self.source, "n": len(self),
                "has_answer": answerable, "no_answer": len(self) - answerable,
                "sampled_from": self.sampled_from or len(self),
                "fingerprint": self.fingerprint}

    def sample(self, n: int | None, seed: int) -> SquadSet:
        """A fixed, seeded slice of ``n`` questions keeping the answerable share (None: all),
        in file order."""
        if n is None or n >= len(self):
            return self
        rng = random.Random(seed)
        groups = [[i for i, e in enumerate(self.examples) if e.has_answer],
                  [i for i, e in enumerate(self.examples) if not e.has_answer]]
        shares = [round(n * len(g) / len(self)) for g in groups]
        shares[0] = n - shares[1]
        chosen = sorted(i for g, k in zip(groups, shares, strict=True) for i in rng.sample(g, k))
        return SquadSet(self.version, self.source, tuple(self.examples[i] for i in chosen),
                        sampled_from=len(self))


def load_squad(source: str, version: str, split: str = "validation") -> SquadSet:
    """``source`` is 'hub' (online only) or a file path."""
    if version not in VERSIONS:
        raise DataError(f"SQuAD version {version!r} is unknown; use one of {', '.join(VERSIONS)}")
    if source == "hub":
        return _from_hub(version, split)
    path = Path(source)
    if not path.is_file():
        raise DataError(f"SQuAD v{version}: {path} not found. {fix(version)}")
    rows = _read_rows(path, version)
    if not rows:
        raise DataError(f"{path}: no questions in the file. {fix(version)}")
    examples = tuple(_example(row, where, path, version) for where, row in rows)
    seen: set[str] = set()
    for example in examples:
        if example.id in seen:
            raise DataError(f"{path}: question id {example.id!r} appears twice; ids must be "
                            "unique (predictions are keyed by id)")
        seen.add(example.id)
    return SquadSet(version, str(path.resolve()), examples)


def _from_hub(version: str, split: str) -> SquadSet:
    from models_registry.weights import hub_reachable

    if not hub_reachable():
        raise DataError(f"SQuAD v{version}: the hub is unreachable (offline). {fix(version)}")
    import datasets

    rows = datasets.load_dataset(HUB_IDS[version], split=split)
    examples = tuple(_example(row, f"row {i}", Path(HUB_IDS[version]), version)
                     for i, row in enumerate(rows))
    return SquadSet(version, f"hub:{HUB_IDS[version]}/{split}", examples)


def _read_rows(path: Path, version: str) -> list[tuple[str, dict[str, Any]]]:
    """(where in the file, flat row) for every question."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 (byte {exc.start}); {encoding_hint(path)}"
                        ) from None
    if path.suffix == ".jsonl":
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                rows.append((f"line {number}", _json(line, path, f"line {number}")))
        return rows
    data = _json(text, path, "the file")
    if isinstance(data, dict) and "data" in data:
        return list(_official_rows(data["data"], path))
    raise DataError(f"{path}: expected the official SQuAD JSON (an object with 'data') or JSON "
                    f"lines (.jsonl) in the hub's layout. {fix(version)}")


def _json(text: str, path: Path, where: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:  # JSONDecodeError, or an integer over Python's digit limit
        raise DataError(f"{path}: {where} is not valid JSON ({exc})") from None
    except RecursionError:
        raise DataError(f"{path}: {where} is nested too deeply to be SQuAD's format") from None


def _official_rows(articles: Any, path: Path):
    if not isinstance(articles, list):
        raise DataError(f"{path}: 'data' must be a list of articles")
    for a, article in enumerate(articles):
        for p, paragraph in enumerate(_need(article, "paragraphs", path, f"data[{a}]")):
            where = f"data[{a}].paragraphs[{p}]"
            context = _need(paragraph, "context", path, where)
            for q, qa in enumerate(_need(paragraph, "qas", path, where)):
                if not isinstance(qa, dict):
                    raise DataError(f"{path}: {where}.qas[{q}] must be an object")
                answers = _need(qa, "answers", path, f"{where}.qas[{q}]")
                if not isinstance(answers, list):
                    raise DataError(f"{path}: {where}.qas[{q}].answers must be a list")
                for i, answer in enumerate(answers):
                    if not isinstance(answer, dict):
                        raise DataError(f"{path}: {where}.qas[{q}].answers[{i}] must be an "
                                        "object with 'text' and 'answer_start', got "
                                        f"{type(answer).__name__}")
                yield f"{where}.qas[{q}]", {
                    "id": qa.get("id"), "title": article.get("title", ""), "context": context,
                    "question": qa.get("question"),
                    "answers": {"text": [x.get("text") for x in answers],
                                "answer_start": [x.get("answer_start") for x in answers]},
                    "is_impossible": qa.get("is_impossible", False),
                }


def _need(obj: Any, key: str, path: Path, where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise DataError(f"{path}: {where} has no {key!r}; it is not in SQuAD's format")
    return obj[key]


def _example(row: Any, where: str, path: Path, version: str) -> QAExample:
    if not isinstance(row, dict):
        raise DataError(f"{path}: {where} must be an object")
    for key in ("id", "context", "question", "answers"):
        if key not in row or row[key] is None:
            raise DataError(f"{path}: {where} has no {key!r} (a row needs id, context, "
                            "question, answers)")
    qid, context, question = str(row["id"]), row["context"], row["question"]
    label = f"{path}: {where} (question {qid!r})"
    for key, value in (("context", context), ("question", question)):
        if not isinstance(value, str) or not value.strip():
            raise DataError(f"{label}: empty or non-text {key}; fix or drop the question")
    answers = row["answers"]
    texts = answers.get("text") if isinstance(answers, dict) else None
    starts = answers.get("answer_start") if isinstance(answers, dict) else None
    if not isinstance(texts, list) or not isinstance(starts, list) or len(texts) != len(starts):
        raise DataError(f"{label}: answers must hold equally long 'text' and 'answer_start' "
                        "lists")
    for text, start in zip(texts, starts, strict=True):
        if not isinstance(text, str) or not text.strip():
            raise DataError(f"{label}: an answer text is empty; an unanswerable question "
                            "has no answers at all")
        if not isinstance(start, int) or context[start:start + len(text)] != text:
            raise DataError(f"{label}: answer {text!r} is not at answer_start {start!r} of "
                            "the context; fix the offset")
    if row.get("is_impossible") and texts:
        raise DataError(f"{label}: marked is_impossible but has answers")
    if not texts and version == "1.1":
        raise DataError(f"{label}: no answers, but every v1.1 question has one. A v2.0 file? "
                        f"Pass it as {FLAGS['2.0']}")
    return QAExample(qid, str(row.get("title") or ""), context, question, tuple(texts),
                     tuple(starts))
