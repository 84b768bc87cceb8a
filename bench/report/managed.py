"""Folders ``bench publish`` fills with files it derives (figures, section pages): a
manifest lists what the last publish made, so a file no longer produced is removed and
nothing else in the folder (a user's own files) is ever touched."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from harness.records.atomic import atomic_write_bytes, atomic_write_text
from harness.records.paths import UnsafePathError, inside

MANIFEST = "manifest.json"


def listed(folder: Path, schema: str) -> list[Path]:
    """The files the last publish made in ``folder`` (its manifest); none without one."""
    try:
        record = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = record["files"] if record.get("schema") == schema else []
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []
    found = []
    for name in files if isinstance(files, list) else []:
        try:  # a hand-edited manifest cannot point publish outside its folder
            found.append(inside(folder, folder / str(name)))
        except UnsafePathError:
            continue
    return found


def write_if_changed(path: Path, data: bytes) -> None:
    """Leave a file whose bytes did not change untouched (its mtime too)."""
    if not path.is_file() or path.read_bytes() != data:
        atomic_write_bytes(path, data)


def sync(folder: Path, schema: str, made: set[Path], suffix: str) -> None:
    """Remove what an earlier publish listed (``suffix`` files only) and this one did not
    make, then list ``made``: the folder holds exactly what the reports link to."""
    for path in listed(folder, schema):
        if path not in made and path.suffix == suffix and path.is_file():
            path.unlink()
            if path.parent != folder:  # its own sub-folder, once empty (rmdir refuses else)
                with contextlib.suppress(OSError):
                    path.parent.rmdir()
    if made or (folder / MANIFEST).is_file():
        files = sorted(p.relative_to(folder).as_posix() for p in made)
        atomic_write_text(folder / MANIFEST, json.dumps(
            {"schema": schema, "files": files}, indent=1) + "\n")
