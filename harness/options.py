"""Command-line options that suites declare; ``bench run`` builds its flags from them.

A suite lists the :class:`Option` objects it reads (``Suite.options``) and turns their
parsed values into config overrides (``Suite.overrides``). Suites that read the same flag
share one object (the sweep options below, the accuracy data options in
``harness.accuracy.options``), so adding a suite never means editing the CLI.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Values as parsed: flag name (dashes as underscores) → value, None where not given.
Values = Mapping[str, Any]


# --- argument types: an impossible number stops the command before any work ------------
def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be a finite number above 0")
    return value


@dataclass(frozen=True)
class Option:
    """One ``bench run`` flag: its help, its ``--help`` section, and argparse settings
    (``type``, ``nargs``, ``choices``, ``action``, ``metavar``)."""

    flag: str
    help: str | None = None
    group: str = "suites"
    settings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")

    def add_to(self, parser: argparse._ActionsContainer) -> None:
        parser.add_argument(self.flag, help=self.help, **dict(self.settings))


def names(values: list[str] | None) -> list[str]:
    """``a,b c`` → [a, b, c]: lists may be comma- or space-separated."""
    return [v for value in values or () for v in value.split(",") if v]


def absolute(path: str | Path | None) -> str | None:
    """A path as the job will see it (jobs run elsewhere): absolute, ``~`` expanded."""
    return None if path is None else str(Path(path).expanduser().resolve())


EFFICIENCY = "efficiency suites"
BATCH_SIZES = Option("--batch-sizes", "override the preset grid", EFFICIENCY,
                     {"type": positive_int, "nargs": "+"})
SEQ_LENS = Option("--seq-lens", "override the preset grid", EFFICIENCY,
                  {"type": positive_int, "nargs": "+"})
WEIGHTS = Option("--weights", "auto: local dir → HF cache → hub → random init (default)",
                 EFFICIENCY, {"choices": ["auto", "random-init"]})
SWEEP_OPTIONS = (BATCH_SIZES, SEQ_LENS, WEIGHTS)


def sweep_overrides(values: Values) -> dict[str, Any]:
    """The grid and the weights, as the efficiency suites' config keys."""
    return {
        "batch_sizes": tuple(values["batch_sizes"]) if values.get("batch_sizes") else None,
        "seq_lens": tuple(values["seq_lens"]) if values.get("seq_lens") else None,
        "weights": values.get("weights"),
    }
