"""How text from data is written into the published markdown (and so into the HTML page).

Every string that comes from a result file (model names, CPU strings, run ids, error
messages, test-set labels) is someone else's text: a stranger's contributed result file
can hold ``<img onerror=…>`` or ``[link](javascript:…)``. :func:`md_text` makes any such
string render as the very characters it holds, in GitHub's renderer and in
Python-Markdown alike; :func:`markdown_table` does so for every cell.
"""

from __future__ import annotations

import re

import pandas as pd

# HTML first (entities render as the character in every markdown flavour), then the
# characters that start markdown syntax: links, images, code, emphasis, table cells.
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN = re.compile(r"([\\`*\[\]|])")
# An underscore between two letters or digits is literal in every flavour (snake_case
# names stay readable in the raw file); any other one could open emphasis.
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def md_text(value: object) -> str:
    """``value`` as inline markdown text that renders as exactly its characters: no HTML,
    no link, no emphasis, no table split, one line."""
    text = " ".join(str(value).split()) if value is not None else ""
    text = "".join(_HTML.get(c, c) for c in text)
    text = _MARKDOWN.sub(r"\\\1", text)
    return _UNDERSCORE.sub(r"\\_", text)


def md_code(value: object) -> str:
    """``value`` as a code span where that is safe (no backtick, no line break: the
    renderer escapes HTML inside it), else as plain escaped text."""
    text = "" if value is None else str(value)
    if text and "`" not in text and not any(c in text for c in "\r\n|"):
        return f"`{text}`"
    return md_text(text)


def _escape(value: object) -> object:
    return md_text(value) if isinstance(value, str) else value


def markdown_table(frame: pd.DataFrame, markdown_columns: tuple[str, ...] = ()) -> str:
    """A markdown table; a cell with no value is blank, not ``nan``. Every header and text
    cell is escaped (:func:`md_text`) except the ``markdown_columns``, whose cells the
    caller built as markdown from names it controls (a claim's link to its record)."""
    if frame.empty:
        return "_no results_"
    raw = [c for c in markdown_columns if c in frame.columns]
    escaped = frame.drop(columns=raw).map(_escape, na_action="ignore")
    frame = pd.concat([escaped, frame[raw]], axis=1)[list(frame.columns)]
    frame = frame.rename(columns=lambda c: md_text(c) if c not in raw else c)
    return frame.astype(object).where(frame.notna(), None).to_markdown(index=False,
                                                                         missingval="")
