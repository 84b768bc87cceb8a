"""Labelled texts (single or paired) with a content fingerprint and stratified sampling."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.data.errors import DataError

# Fewer rows than this per class cannot give train, validation and test a row of each class.
MIN_ROWS_PER_CLASS_TO_SPLIT = 10
# A sample (--max-*-samples, --mnli-samples) keeps at least this many rows of each class.
MIN_SAMPLE_PER_CLASS = 2
DEDUPLICATION = "texts equal after case folding and whitespace collapsing"


@dataclass(frozen=True)
class LabelledTexts:
    """One split. ``labels`` are class ids into ``label_names``; ``pairs`` is set for NLI."""

    name: str
    ids: tuple[str, ...]
    texts: tuple[str, ...]
    labels: tuple[int, ...]
    label_names: tuple[str, ...]
    pairs: tuple[str, ...] | None = None
    source: str = ""
    notes: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        n = len(self.ids)
        if not (len(self.texts) == len(self.labels) == n) or (
            self.pairs is not None and len(self.pairs) != n
        ):
            raise ValueError(f"split {self.name!r}: ids, texts, labels differ in length")
        if n == 0:
            raise DataError(
                f"split {self.name!r} from {self.source or 'unknown source'} is empty; "
                "check the file's rows, the label mapping and any sample size given"
            )

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def fingerprint(self) -> str:
        """sha256 over ids, texts (and pairs) and label names, row by row, in order."""
        digest = hashlib.sha256()
        digest.update(json.dumps(self.label_names).encode())
        for i in range(len(self)):
            row = [self.ids[i], self.texts[i], self.pairs[i] if self.pairs else None,
                   self.label_names[self.labels[i]]]
            digest.update(json.dumps(row, ensure_ascii=False).encode("utf-8"))
            digest.update(b"\n")
        return digest.hexdigest()

    def class_counts(self) -> dict[str, int]:
        counts = {name: 0 for name in self.label_names}
        for label in self.labels:
            counts[self.label_names[label]] += 1
        return counts

    def describe(self) -> dict[str, Any]:
        """What a result records about the data it saw."""
        return {
            "name": self.name, "source": self.source, "rows": len(self),
            "fingerprint": self.fingerprint, "class_counts": self.class_counts(),
            **({"notes": self.notes} if self.notes else {}),
        }

    def subset(self, indices: list[int], name: str | None = None) -> LabelledTexts:
        return LabelledTexts(
            name=name or self.name,
            ids=tuple(self.ids[i] for i in indices),
            texts=tuple(self.texts[i] for i in indices),
            labels=tuple(self.labels[i] for i in indices),
            label_names=self.label_names,
            pairs=tuple(self.pairs[i] for i in indices) if self.pairs else None,
            source=self.source,
            notes=dict(self.notes),
        )

    def stratified_sample(self, n: int | None, seed: int) -> LabelledTexts:
        """A seeded, class-stratified subset of ``n`` rows (all rows, reordered never, if n is
        None or not smaller); kept in file order so the fingerprint is stable."""
        if n is None or n >= len(self):
            return self
        minimum = MIN_SAMPLE_PER_CLASS * len(set(self.labels))
        if n < minimum:
            raise DataError(
                f"split {self.name!r} of {self.source}: a sample of {n} rows cannot hold "
                f"{MIN_SAMPLE_PER_CLASS} rows of each of its {len(set(self.labels))} classes; "
                f"ask for at least {minimum} rows"
            )
        from sklearn.model_selection import train_test_split

        indices = list(range(len(self)))
        picked, _ = train_test_split(
            indices, train_size=n, random_state=seed, stratify=_stratify(self.labels)
        )
        sample = self.subset(sorted(picked))
        sample.notes.update({"sampled_from": len(self), "sample_seed": seed})
        return sample

    # --- persistence: a split is saved once and re-read by every model -------------------
    def to_jsonl(self, path: Path) -> None:
        from harness.records.atomic import atomic_write_text

        lines = [json.dumps({"label_names": list(self.label_names), "name": self.name,
                             "source": self.source, "notes": self.notes})]
        for i in range(len(self)):
            row = {"id": self.ids[i], "text": self.texts[i], "label": self.labels[i]}
            if self.pairs:
                row["pair"] = self.pairs[i]
            lines.append(json.dumps(row, ensure_ascii=False))
        atomic_write_text(path, "\n".join(lines) + "\n")

    @classmethod
    def from_jsonl(cls, path: Path) -> LabelledTexts:
        with Path(path).open(encoding="utf-8") as handle:
            header = json.loads(handle.readline())
            rows = [json.loads(line) for line in handle if line.strip()]
        has_pairs = bool(rows) and "pair" in rows[0]
        return cls(
            name=header["name"],
            ids=tuple(r["id"] for r in rows),
            texts=tuple(r["text"] for r in rows),
            labels=tuple(int(r["label"]) for r in rows),
            label_names=tuple(header["label_names"]),
            pairs=tuple(r["pair"] for r in rows) if has_pairs else None,
            source=header.get("source", ""),
            notes=header.get("notes") or {},
        )


def _stratify(labels: tuple[int, ...]) -> list[int] | None:
    """Stratify when every class has two rows at least (sklearn's requirement)."""
    counts: dict[int, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return list(labels) if min(counts.values()) >= 2 else None


def _count(exact: float) -> int:
    """sklearn's ceil of a fractional size, without float noise turning 60.0000001 into 61."""
    import math

    return max(1, math.ceil(round(exact, 6)))


def _text_key(data: LabelledTexts, i: int) -> str:
    text = data.texts[i] if data.pairs is None else data.texts[i] + "\t" + data.pairs[i]
    return " ".join(text.split()).casefold()


def deduplicated(data: LabelledTexts) -> LabelledTexts:
    """One row per text (see ``DEDUPLICATION``), so no text can land in train and in test.

    Repeats with the same label keep their first row; texts that carry both labels are
    dropped altogether (neither label can be trusted). Both counts go into ``notes``, which
    every result records.
    """
    groups: dict[str, list[int]] = {}
    for i in range(len(data)):
        groups.setdefault(_text_key(data, i), []).append(i)
    keep, repeats, conflicting = [], 0, 0
    for rows in groups.values():
        if len({data.labels[i] for i in rows}) > 1:
            conflicting += len(rows)
            continue
        keep.append(rows[0])
        repeats += len(rows) - 1
    if repeats == 0 and conflicting == 0:
        return data
    if not keep:
        raise DataError(f"{data.source}: every text carries both labels; nothing is left")
    out = data.subset(sorted(keep))
    out.notes.update(deduplication=DEDUPLICATION, dropped_duplicate_rows=repeats,
                     dropped_conflicting_label_rows=conflicting)
    return out


def check_splittable(data: LabelledTexts, fix: str) -> None:
    """Enough rows of every class for a stratified train/validation/test split."""
    counts = data.class_counts()
    short = {name: n for name, n in counts.items() if n < MIN_ROWS_PER_CLASS_TO_SPLIT}
    if short:
        detail = ", ".join(f"{n} {name!r}" for name, n in short.items())
        dropped = data.notes.get("dropped_duplicate_rows", 0) + data.notes.get(
            "dropped_conflicting_label_rows", 0)
        after = f" after dropping {dropped} duplicate rows" if dropped else ""
        raise DataError(
            f"{data.source}: {len(data)} usable rows{after}, with only {detail}; a "
            f"train/validation/test split needs at least {MIN_ROWS_PER_CLASS_TO_SPLIT} rows of "
            f"each class ({', '.join(data.label_names)}). {fix}"
        )


def stratified_three_way(
    data: LabelledTexts, fractions: tuple[float, float, float], seed: int
) -> dict[str, LabelledTexts]:
    """train/validation/test by class-stratified shuffles: test first, then validation."""
    from sklearn.model_selection import train_test_split

    train_f, val_f, test_f = fractions
    if abs(train_f + val_f + test_f - 1.0) > 1e-9:
        raise ValueError(f"split fractions must sum to 1, got {fractions}")
    indices = list(range(len(data)))
    rest, test = train_test_split(
        indices, test_size=_count(test_f * len(indices)), random_state=seed,
        stratify=_stratify(data.labels),
    )
    rest_labels = tuple(data.labels[i] for i in rest)
    train, val = train_test_split(
        rest, test_size=_count(val_f / (train_f + val_f) * len(rest)), random_state=seed,
        stratify=_stratify(rest_labels),
    )
    return {
        name: data.subset(sorted(idx), name=name)
        for name, idx in (("train", train), ("validation", val), ("test", test))
    }
