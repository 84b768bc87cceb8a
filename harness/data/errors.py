"""One error type for bad or missing data; its message names the file, the place and the fix."""

from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """Raised before any model work starts, so a bad file costs seconds, not a training run."""


def rows_excerpt(rows: list[int], limit: int = 5) -> str:
    """'rows 3, 9, 12 (and 40 more)': the first few data rows, numbered as in the file."""
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f" (and {len(rows) - limit} more)" if len(rows) > limit else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


# What a file that is not UTF-8 usually is, by its first bytes, and how to make it UTF-8.
_UTF16 = ("it starts with a UTF-16 byte-order mark: re-encode it, e.g. "
          "`iconv -f utf-16 -t utf-8 {name} > fixed{suffix}`")
_SIGNATURES = (
    (b"\xff\xfe", _UTF16),
    (b"\xfe\xff", _UTF16),
    (b"\x1f\x8b", "it is gzip-compressed: decompress it first (`gunzip -k {name}`)"),
    (b"PK\x03\x04", "it is a zip archive: extract the data file from it (`unzip {name}`)"),
)


def encoding_hint(path: Path) -> str:
    """How to turn ``path`` into UTF-8, judged by what its first bytes say it is."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(4)
    except OSError:
        head = b""
    path = Path(path)
    for signature, hint in _SIGNATURES:
        if head.startswith(signature):
            return hint.format(name=path.name, suffix=path.suffix)
    return (f"re-save it as UTF-8; if it is Latin-1 or Windows-1252 text: "
            f"`iconv -f cp1252 -t utf-8 {path.name} > fixed{path.suffix}`")
