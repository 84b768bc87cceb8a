"""One error type for bad or missing data; its message names the file, the place and the fix."""

from __future__ import annotations


class DataError(ValueError):
    """Raised before any model work starts, so a bad file costs seconds, not a training run."""


def rows_excerpt(rows: list[int], limit: int = 5) -> str:
    """'rows 3, 9, 12 (and 40 more)': the first few data rows, numbered as in the file."""
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f" (and {len(rows) - limit} more)" if len(rows) > limit else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"
