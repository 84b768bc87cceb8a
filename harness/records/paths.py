"""File names made from data, and the rule that every such path stays inside its folder.

Run ids, job ids, hardware fingerprints and model names arrive in result files that anyone
may contribute (``bench merge`` of a downloaded shard, a results folder from another
machine). Used raw as path parts, ``../../x`` or ``/etc/x`` would write anywhere. Each
writer either checks a name (:func:`check_name`: readers refuse a result that fails) or
maps it (:func:`safe_name`), and confirms the final path (:func:`inside`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

# One path component: starts with a letter or digit (so never "." or ".."), no separator.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,149}")


class UnsafePathError(ValueError):
    """A name or path from data that would leave its folder; the message says which."""


def is_safe_name(text: object) -> bool:
    return isinstance(text, str) and SAFE_NAME.fullmatch(text) is not None


def check_name(text: object, what: str) -> str:
    """``text`` itself when it is one safe path component, else :class:`UnsafePathError`."""
    if not is_safe_name(text):
        raise UnsafePathError(
            f"{what} {text!r} is not a safe file name: use 1-150 letters, digits, '.', '_' "
            "or '-', starting with a letter or digit (no '/', no '..')")
    return str(text)


def path_part(text: str) -> str:
    """``text`` with every run of characters other than letters, digits, '.', '_' and '-'
    replaced by one '-' (the readable part of a file name made from a name)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text)


def safe_name(text: str) -> str:
    """A safe component for any text: itself when already safe, else its safe characters
    plus a hash of the original (two different names never map to one file)."""
    if is_safe_name(text):
        return text
    cleaned = path_part(text).lstrip("._-")[:100] or "x"
    return f"{cleaned}-{hashlib.sha256(text.encode()).hexdigest()[:10]}"


def inside(root: Path, path: Path) -> Path:
    """``path`` when, links resolved, it lies inside ``root``; else :class:`UnsafePathError`."""
    base = Path(root).resolve()
    target = Path(path).resolve()
    if target != base and base not in target.parents:
        raise UnsafePathError(f"{path} lies outside {root}; refusing to write or delete it")
    return Path(path)
