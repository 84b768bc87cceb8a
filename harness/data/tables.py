"""Read a local table (csv, tsv, jsonl, json, parquet) and check it, naming the file on error."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from harness.data.errors import DataError, encoding_hint, rows_excerpt

if TYPE_CHECKING:
    import pandas as pd

TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json", ".parquet")
TAB_SEPARATED_TEXT = ".txt"  # read as tsv: MultiNLI ships its splits this way


def read_table(path: str | Path, *, what: str, fix: str) -> pd.DataFrame:
    """The whole file as strings-or-numbers; ``what``/``fix`` go into the error messages."""
    import pandas as pd

    path = Path(path)
    check_file(path, what, fix)
    suffix = path.suffix.lower()
    if suffix not in (*TABLE_SUFFIXES, TAB_SEPARATED_TEXT):
        raise DataError(
            f"{what}: {path} has suffix {suffix!r}; expected one of {', '.join(TABLE_SUFFIXES)}"
        )
    if suffix != ".parquet":
        _check_utf8(path, what)
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, encoding="utf-8", keep_default_na=True)
        elif suffix in (".tsv", ".txt"):
            frame = _read_tsv(path)
        elif suffix == ".jsonl":
            frame = pd.read_json(path, lines=True, encoding="utf-8")
        elif suffix == ".json":
            frame = pd.read_json(path, encoding="utf-8")
        else:
            frame = pd.read_parquet(path)
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"{what}: {path} could not be parsed as {suffix[1:]}: {exc}") from None
    if frame.empty:
        raise DataError(f"{what}: {path} has no data rows. {fix}")
    return frame


def _read_tsv(path: Path) -> pd.DataFrame:
    """GLUE's tsv files (and MultiNLI's tab-separated .txt release) hold unbalanced quotes
    inside sentences: read with quotes parsed, they swallow rows. A tsv written by pandas or
    the csv module quotes a field that holds a tab or a quote: read without quotes parsed,
    its texts keep literal quotes (and a quoted tab splits the row). Where a field opens with
    a quote, both readings are made, and the quoted one is kept where it finds the same
    rows and columns: a GLUE file's unbalanced quote swallows rows, so it keeps its raw
    reading."""
    import csv

    import pandas as pd

    raw = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, encoding="utf-8")
    opened = raw.select_dtypes(include="object").apply(
        lambda c: c.str.startswith('"', na=False)).to_numpy().any()
    if not opened and isinstance(raw.index, pd.RangeIndex):  # no quote opens a field
        return raw
    try:
        quoted = pd.read_csv(path, sep="\t", encoding="utf-8")
    except (ValueError, pd.errors.ParserError):
        return raw
    return quoted if len(quoted) == len(raw) and list(quoted.columns) == [
        c.strip('"') for c in raw.columns] else raw


def check_file(path: Path, what: str, fix: str) -> None:
    """A data file exists and is a file (a directory given by mistake is named as such)."""
    if path.is_dir():
        raise DataError(f"{what}: {path} is a directory, not a file; pass the data file "
                        "inside it. " + fix)
    if not path.is_file():
        raise DataError(f"{what}: {path} not found. {fix}")


def _check_utf8(path: Path, what: str) -> None:
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{what}: {path} is not valid UTF-8 (byte {exc.start}, line {line}: "
            f"{data[exc.start:exc.start + 4]!r}): {encoding_hint(path)}"
        ) from None


def require_columns(
    frame: pd.DataFrame, columns: list[str], path: str | Path, what: str,
    fix: str = "Name the right ones with the text/label column options (see `bench run --help`)",
) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{what}: {path} has no column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)}; its columns are "
            f"{', '.join(repr(c) for c in frame.columns)}. {fix}"
        )


def blank_rows(frame: pd.DataFrame, column: str) -> list[int]:
    """1-based data-row numbers (header excluded) where ``column`` is NaN or whitespace."""
    values = frame[column]
    blank = values.isna() | values.astype(str).str.strip().eq("")
    return [int(i) + 1 for i in frame.index[blank]]


def describe_blank(path: str | Path, column: str, rows: list[int], what: str) -> str:
    return (
        f"{what}: {path} column {column!r} is empty or NaN in {rows_excerpt(rows)} "
        "(data rows, header not counted); fill or remove those rows"
    )
