"""News sets (WELFake and external ones): declared columns and label mapping in, real/fake out.

Class ids are fixed for every news set: 0 = real, 1 = fake (the positive class for FPR/FNR).
WELFake's ``label`` is 1 = fake in the file as distributed (37,106 of 72,134 rows); some
dataset cards say the opposite, so the mapping is explicit and configurable.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from harness.data.dataset import (
    DEDUPLICATION,
    LabelledTexts,
    check_splittable,
    deduplicated,
    stratified_three_way,
)
from harness.data.errors import DataError, rows_excerpt
from harness.data.tables import (
    blank_rows,
    check_file,
    describe_blank,
    read_table,
    require_columns,
)

NEWS_LABELS = ("real", "fake")
WELFAKE_HUB_ID = "davanstrien/WELFake"
WELFAKE_FIX = (
    "Download WELFake_Dataset.csv (Zenodo record 4561253, or Kaggle 'saurabhshahane/"
    "fake-news-classification') and pass --welfake PATH/WELFake_Dataset.csv"
)
SPLIT_FRACTIONS = (0.70, 0.15, 0.15)
SPLIT_SEED = 42


@dataclass(frozen=True)
class NewsSource:
    """How to read one news file: which columns hold text, and what the labels mean."""

    name: str
    path: str | None  # None: the hub copy (WELFake only)
    text_columns: tuple[str, ...] = ("title", "text")
    label_column: str | None = "label"
    label_map: dict[str, str] = field(default_factory=lambda: {"1": "fake", "0": "real"})
    fixed_label: str | None = None  # every row has this label; label_column is ignored
    on_blank: Literal["error", "drop"] = "error"
    # Which `bench run` options describe this set: --welfake/--text-columns/… for the
    # in-domain set, --external/--external-text-columns/… for an external one.
    role: Literal["in-domain", "external"] = "in-domain"

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        if self.role == "in-domain":
            del values["role"]  # the in-domain sets' job keys predate the field
        return values

    def flag(self, option: str) -> str:
        """The CLI option that sets ``option`` (file, text-columns, label-column,
        label-map, label) for this set, so that every error names the option to change."""
        if self.role == "external":
            return "--external" if option == "file" else f"--external-{option}"
        return "--welfake" if option == "file" else f"--{option}"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NewsSource:
        values = dict(data)
        values["text_columns"] = tuple(values.get("text_columns") or ("title", "text"))
        return cls(**values)

    def __post_init__(self) -> None:
        bad = sorted(set(self.label_map.values()) - set(NEWS_LABELS))
        if bad or (self.fixed_label is not None and self.fixed_label not in NEWS_LABELS):
            raise DataError(
                f"news set {self.name!r}: labels must map to {NEWS_LABELS}, got "
                f"{bad or [self.fixed_label]}; write {self.flag('label-map')} as e.g. "
                "1=fake,0=real"
            )

    def check_trainable(self) -> None:
        """A set to fine-tune on must be able to hold both classes: a label map that sends
        every value to one class, or one label for the whole file, cannot."""
        classes = {self.fixed_label} if self.fixed_label else set(self.label_map.values())
        if len(classes) < len(NEWS_LABELS):
            raise DataError(
                f"news set {self.name!r} ({self.path or 'hub copy'}): every row would be "
                f"{sorted(classes)[0]!r} (label map {self.label_map}), and a classifier "
                f"needs both {' and '.join(NEWS_LABELS)} rows; fix {self.flag('label-map')}, "
                "e.g. 1=fake,0=real"
            )


def welfake_source(path: str | None, **overrides: Any) -> NewsSource:
    """WELFake's standard reading: title + text, rows missing either dropped, 1 = fake."""
    return NewsSource(name="welfake", path=path, on_blank="drop", **overrides)


def default_welfake() -> dict[str, Any]:
    """The WELFake source a config starts from (its path comes from ``--welfake``)."""
    return welfake_source(None).to_dict()


def parse_label_map(text: str) -> dict[str, str]:
    """'1=fake,0=real' → {'1': 'fake', '0': 'real'}."""
    mapping = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        raw, sep, label = part.partition("=")
        if not sep:
            raise DataError(
                f"label map {text!r}: write it as VALUE=LABEL pairs, e.g. 1=fake,0=real"
            )
        mapping[raw.strip()] = label.strip()
    return mapping


def load_news(source: NewsSource) -> LabelledTexts:
    """Read, check and label one news file; every problem names the file and the rows."""
    what = f"news set {source.name!r}"
    frame, origin = _frame(source, what)
    needed = list(source.text_columns)
    if source.fixed_label is None:
        if not source.label_column:
            raise DataError(f"{what}: give a label column ({source.flag('label-column')}) or "
                            f"one label for the whole file")
        needed.append(source.label_column)
    require_columns(frame, needed, origin, what, _column_fix(source))

    notes: dict[str, Any] = {}
    blank_by_column = {c: blank_rows(frame, c) for c in source.text_columns}
    blank = sorted({row for rows in blank_by_column.values() for row in rows})
    if blank:
        if source.on_blank == "error":
            column, rows = next((c, r) for c, r in blank_by_column.items() if r)
            raise DataError(describe_blank(origin, column, rows, what))
        notes["dropped_blank_text_rows"] = len(blank)
        frame = frame.drop(index=[r - 1 for r in blank])
    if frame.empty:
        raise DataError(f"{what}: {origin} has no rows with text in {needed[:-1]}")

    texts = [
        " ".join(str(frame.at[i, c]).strip() for c in source.text_columns) for i in frame.index
    ]
    if source.fixed_label is not None:
        labels = [NEWS_LABELS.index(source.fixed_label)] * len(frame)
    else:
        labels = _map_labels(frame, source, origin, what)
    return LabelledTexts(
        name=source.name,
        ids=tuple(str(int(i) + 1) for i in frame.index),  # 1-based data-row numbers
        texts=tuple(texts),
        labels=tuple(labels),
        label_names=NEWS_LABELS,
        source=str(origin),
        notes=notes,
    )


def _column_fix(source: NewsSource) -> str:
    return (f"Name the right ones with {source.flag('text-columns')} and "
            f"{source.flag('label-column')}")


def _path_fix(source: NewsSource) -> str:
    return (WELFAKE_FIX if source.role == "in-domain" and source.name == "welfake"
            else f"Check the path given with {source.flag('file')}.")


def _frame(source: NewsSource, what: str):
    if source.path is not None:
        return read_table(source.path, what=what, fix=_path_fix(source)), source.path
    _frame_header_from_hub(source, what)
    import datasets

    return datasets.load_dataset(WELFAKE_HUB_ID, split="train").to_pandas(), f"hf:{WELFAKE_HUB_ID}"


def check_source(source: NewsSource) -> None:
    """The cheap checks, for the launcher: the file (or the hub) is there, the columns too."""
    what = f"news set {source.name!r}"
    if source.path is None:
        _frame_header_from_hub(source, what)
        return
    path = Path(source.path)
    check_file(path, what, _path_fix(source))
    if path.suffix.lower() in (".csv", ".tsv"):
        import pandas as pd

        try:
            header = pd.read_csv(path, nrows=0, sep="\t" if path.suffix == ".tsv" else ",",
                                 encoding="utf-8")
        except (UnicodeDecodeError, ValueError):
            return  # the full read in the job names the exact problem
        needed = list(source.text_columns)
        if source.fixed_label is None and source.label_column:
            needed.append(source.label_column)
        require_columns(header, needed, path, what, _column_fix(source))


def _frame_header_from_hub(source: NewsSource, what: str) -> None:
    if source.name != "welfake":
        raise DataError(f"{what}: no path given; pass the file's path")
    from models_registry.weights import hub_reachable

    if not hub_reachable():
        raise DataError(f"WELFake: no local file given and the hub is unreachable. {WELFAKE_FIX}")


def _raw_label(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _map_labels(frame, source: NewsSource, origin: Any, what: str) -> list[int]:
    column = source.label_column
    missing = [int(i) + 1 for i in frame.index[frame[column].isna()]]
    if missing:
        raise DataError(describe_blank(origin, column, missing, what))
    raw = [_raw_label(v) for v in frame[column]]
    unknown: dict[str, list[int]] = {}
    for row, value in zip(frame.index, raw, strict=True):
        if value not in source.label_map:
            unknown.setdefault(value, []).append(int(row) + 1)
    if unknown:
        detail = "; ".join(f"{v!r} in {rows_excerpt(r)}" for v, r in sorted(unknown.items()))
        raise DataError(
            f"{what}: {origin} column {column!r} has values outside the label map "
            f"{source.label_map}: {detail}. Extend the map (e.g. {source.flag('label-map')} "
            "1=fake,0=real)"
        )
    return [NEWS_LABELS.index(source.label_map[v]) for v in raw]


def splittable_news(source: NewsSource) -> LabelledTexts:
    """The whole set, deduplicated, checked to hold enough rows of both classes to split."""
    source.check_trainable()
    full = deduplicated(load_news(source))
    check_splittable(full, f"Give a larger file, or check {source.flag('label-map')} and "
                           f"{source.flag('label-column')}.")
    return full


def split_key(recipe: dict[str, Any]) -> str:
    """The splits cache's directory suffix for ``recipe`` (source content, seed, fractions,
    deduplication): whoever knows a split's recipe finds its directory."""
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:12]


def standard_splits(
    source: NewsSource,
    cache_dir: str | Path,
    *,
    seed: int = SPLIT_SEED,
    fractions: tuple[float, float, float] = SPLIT_FRACTIONS,
) -> dict[str, LabelledTexts]:
    """Stratified train/validation/test, made once per source content and reused by every
    model, so every model's result carries identical split fingerprints."""
    full = splittable_news(source)
    recipe = {"source_fingerprint": full.fingerprint, "seed": seed, "fractions": list(fractions),
              "deduplication": DEDUPLICATION}
    directory = Path(cache_dir) / f"{source.name}-{split_key(recipe)}"
    manifest = directory / "manifest.json"
    if manifest.is_file():
        splits = {n: LabelledTexts.from_jsonl(directory / f"{n}.jsonl")
                  for n in ("train", "validation", "test")}
        stored = json.loads(manifest.read_text(encoding="utf-8"))
        if all(stored["splits"][n]["fingerprint"] == s.fingerprint for n, s in splits.items()):
            return splits
    splits = stratified_three_way(full, fractions, seed)
    for name, split in splits.items():
        split.notes.update({"recipe": recipe, **full.notes})
        split.to_jsonl(directory / f"{name}.jsonl")
    from harness.records.atomic import atomic_write_json

    atomic_write_json(
        manifest, {"recipe": recipe, "splits": {n: s.describe() for n, s in splits.items()}}
    )
    return splits
