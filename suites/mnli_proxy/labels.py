"""Map a checkpoint's output indices onto GLUE's MNLI labels by name, never by position."""

from __future__ import annotations

from typing import Any

from harness.data.errors import DataError
from harness.data.mnli import MNLI_LABELS

GENERIC_PREFIX = "label_"


def output_order(
    head_names: list[str], declared: tuple[str, ...] | None, where: str
) -> tuple[list[int], dict[str, Any]]:
    """``order[i]`` is the GLUE label id of output ``i``, plus a record of how it was decided.

    A config whose id2label names the three MNLI labels decides, and a declared order must
    agree with it; a generic one (LABEL_0..2) needs the declaration.
    """
    if len(head_names) != len(MNLI_LABELS):
        raise DataError(
            f"{where}: the classifier has {len(head_names)} outputs, MNLI needs 3 "
            f"({', '.join(MNLI_LABELS)}); is this an MNLI checkpoint?"
        )
    named = sorted(head_names) == sorted(MNLI_LABELS)
    if named:
        if declared is not None and list(declared) != head_names:
            raise DataError(
                f"{where}: declared output order {list(declared)} disagrees with the config's "
                f"id2label {head_names}. The checkpoint changed or the declaration is wrong: pin "
                "the checkpoint's revision or correct the declaration (mnli_label_order)"
            )
        return [MNLI_LABELS.index(n) for n in head_names], {
            "decided_by": "config id2label" + (" (agrees with declaration)" if declared else ""),
            "output_order": head_names,
        }
    if declared is None:
        raise DataError(
            f"{where}: id2label {head_names} does not name the MNLI labels and no output order "
            "is declared; declare it (ModelMeta.mnli_label_order, or --mnli-label-order "
            "contradiction,entailment,neutral for a local directory)"
        )
    if sorted(declared) != sorted(MNLI_LABELS):
        raise DataError(f"{where}: declared order {list(declared)} must list {MNLI_LABELS}")
    if not all(n.startswith(GENERIC_PREFIX) for n in head_names):
        raise DataError(f"{where}: id2label {head_names} is neither MNLI names nor generic")
    return [MNLI_LABELS.index(n) for n in declared], {
        "decided_by": "declaration (config id2label is generic)",
        "output_order": list(declared), "config_id2label": head_names,
    }


def to_glue_order(probs: Any, order: list[int]) -> Any:
    """Columns re-arranged so column j is GLUE label j."""
    import numpy as np

    out = np.zeros_like(probs)
    out[:, order] = probs
    return out
