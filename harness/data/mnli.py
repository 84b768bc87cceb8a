"""MNLI validation sets: GLUE on the hub, or local files (tsv/jsonl/csv/parquet).

Label ids follow GLUE: 0 entailment, 1 neutral, 2 contradiction. A checkpoint's own output
order is mapped onto these by name (see ``suites.mnli_proxy.labels``), never by index.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.data.dataset import LabelledTexts
from harness.data.errors import DataError, rows_excerpt
from harness.data.tables import (
    TAB_SEPARATED_TEXT,
    TABLE_SUFFIXES,
    blank_rows,
    describe_blank,
    read_table,
    require_columns,
)

MNLI_LABELS = ("entailment", "neutral", "contradiction")
MNLI_SPLITS = ("validation_matched", "validation_mismatched")
GLUE_HUB_ID = "nyu-mll/glue"
# File stems accepted for each split: the hub's names, and GLUE's / MultiNLI's own.
SPLIT_STEMS = {
    "validation_matched": ("validation_matched", "dev_matched", "multinli_1.0_dev_matched"),
    "validation_mismatched": (
        "validation_mismatched", "dev_mismatched", "multinli_1.0_dev_mismatched",
    ),
    "train": ("train", "multinli_1.0_train"),
}
COLUMN_ALIASES = {
    "premise": ("premise", "sentence1"),
    "hypothesis": ("hypothesis", "sentence2"),
    "label": ("label", "gold_label"),
    "id": ("idx", "pairID", "id"),
}
MNLI_FIX = (
    "Pass --mnli DIR holding validation_matched and validation_mismatched files "
    "(.tsv from GLUE's MNLI.zip, or .jsonl/.csv/.parquet exported with "
    "datasets.load_dataset('nyu-mll/glue', 'mnli')[split].to_json(...))"
)


def find_split_file(directory: Path, split: str) -> Path:
    for stem in SPLIT_STEMS[split]:
        for suffix in (*TABLE_SUFFIXES, TAB_SEPARATED_TEXT):
            candidate = directory / f"{stem}{suffix}"
            if candidate.is_file():
                return candidate
    raise DataError(
        f"MNLI {split}: no file named {'/'.join(SPLIT_STEMS[split])}.<tsv|jsonl|csv|parquet> "
        f"in {directory}. {MNLI_FIX}"
    )


def check_mnli_source(source: str) -> None:
    """Fail in seconds, before any job, when the MNLI validation sets cannot be read:
    ``hub`` with the hub unreachable, a directory missing a split, a file that is not there."""
    if source == "hub":
        from models_registry.weights import hub_reachable

        if not hub_reachable():
            raise DataError(f"MNLI: no local copy given and the hub is unreachable. {MNLI_FIX}")
        return
    path = Path(source)
    if path.is_dir():
        for split in MNLI_SPLITS:
            find_split_file(path, split)
    elif not path.is_file():
        raise DataError(f"MNLI: {path} not found. Pass --mnli DIR")


def load_mnli(source: str, split: str) -> LabelledTexts:
    """``source`` is 'hub' (GLUE via datasets, online only), a directory, or one file."""
    if source == "hub":
        return _from_hub(split)
    path = Path(source)
    if path.is_dir():
        path = find_split_file(path, split)
    elif not path.is_file():
        raise DataError(f"MNLI {split}: {path} not found. {MNLI_FIX}")
    what = f"MNLI {split}"
    return frame_to_mnli(read_table(path, what=what, fix=MNLI_FIX), split, path, what)


def _pick(frame, role: str, path: Path, what: str) -> str:
    for name in COLUMN_ALIASES[role]:
        if name in frame.columns:
            return name
    if role == "id":
        return ""
    require_columns(frame, [COLUMN_ALIASES[role][0]], path, what)
    return ""  # unreachable: require_columns raised


def frame_to_mnli(frame, split: str, path: Any, what: str) -> LabelledTexts:
    premise, hypothesis, label = (_pick(frame, r, path, what)
                                  for r in ("premise", "hypothesis", "label"))
    id_column = _pick(frame, "id", path, what)
    for column in (premise, hypothesis):
        blank = blank_rows(frame, column)
        if blank:
            raise DataError(describe_blank(path, column, blank, what))
    notes: dict[str, Any] = {}
    raw = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip()
           for v in frame[label]]
    # MultiNLI marks pairs without annotator consensus "-" (GLUE has dropped them already).
    keep = [i for i, v in enumerate(raw) if v != "-"]
    if len(keep) < len(raw):
        notes["dropped_no_gold_label"] = len(raw) - len(keep)
    by_value = {**{str(i): i for i in range(3)}, **{n: i for i, n in enumerate(MNLI_LABELS)}}
    unknown = [i + 1 for i in keep if raw[i].lower() not in by_value]
    if unknown:
        values = sorted({raw[i - 1] for i in unknown})
        raise DataError(
            f"{what}: {path} column {label!r} has values {values} in {rows_excerpt(unknown)}; "
            f"expected 0/1/2 (GLUE order) or {'/'.join(MNLI_LABELS)}"
        )
    rows = frame.iloc[keep]
    return LabelledTexts(
        name=split,
        ids=tuple(str(v) for v in (rows[id_column] if id_column else [i + 1 for i in keep])),
        texts=tuple(str(v) for v in rows[premise]),
        pairs=tuple(str(v) for v in rows[hypothesis]),
        labels=tuple(by_value[raw[i].lower()] for i in keep),
        label_names=MNLI_LABELS,
        source=str(path),
        notes=notes,
    )


def _from_hub(split: str) -> LabelledTexts:
    from models_registry.weights import hub_reachable

    if not hub_reachable():
        raise DataError(f"MNLI {split}: the hub is unreachable (offline). {MNLI_FIX}")
    import datasets

    frame = datasets.load_dataset(GLUE_HUB_ID, "mnli", split=split).to_pandas()
    return frame_to_mnli(frame, split, f"hf:{GLUE_HUB_ID}/mnli", f"MNLI {split}")
