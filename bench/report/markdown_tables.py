"""One way to write a table into the published markdown (and so into the HTML page)."""

from __future__ import annotations

import pandas as pd


def _escape_pipes(value: object) -> object:
    return value.replace("|", "\\|") if isinstance(value, str) else value


def markdown_table(frame: pd.DataFrame) -> str:
    """A markdown table; a cell with no value is blank, not ``nan``. A ``|`` inside a header
    or cell (``max |Δlogit|``) is escaped: unescaped, it splits the column and the table
    does not render at all."""
    if frame.empty:
        return "_no results_"
    frame = frame.rename(columns=_escape_pipes).map(_escape_pipes, na_action="ignore")
    return frame.astype(object).where(frame.notna(), None).to_markdown(index=False,
                                                                         missingval="")
