"""The parity gate a timed job passes before its numbers count: the backend against fp32
eager on a trained model of the family (:mod:`harness.backends.parity`), and, for a backend
that changes the precision, on a real fine-tuned model where one is kept
(:mod:`harness.accuracy.real_parity`). It lives here, above both, so the backends never
reach up into the accuracy code."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from harness.backends.base import Backend
from harness.backends.parity import ParityReport, check_parity


def _real_check(finetuned_dir: str | None, splits_dir: str | None, model_type: str,
                backend: Backend, reference_name: str) -> dict[str, Any]:
    from harness.accuracy.real_parity import check_real_parity, find_real_model, not_checked

    found = find_real_model(finetuned_dir, splits_dir, model_type)
    return (check_real_parity(backend, found, reference_name) if found
            else not_checked(finetuned_dir))


def parity_gate(backend: Backend, model_config: Any, reference_name: str,
                finetuned_dir: str | None = None, splits_dir: str | None = None,
                cache_dir: Path | None = None) -> ParityReport:
    """:func:`check_parity`, with the real-model check where ``finetuned_dir`` holds one."""
    real = partial(_real_check, finetuned_dir, splits_dir, model_config.model_type)
    return check_parity(backend, model_config, reference_name, cache_dir, real_check=real)


def gated_parity(backend: Backend, meta: Any, config: Any, progress: Any
                 ) -> dict[str, Any] | None:
    """A timed job's parity gate, when the config asks for it; None for the reference itself
    or when off."""
    from harness.backends import REFERENCE

    if not config.parity_gate or backend.name == REFERENCE:
        return None
    progress(f"{meta.name} {backend.name}: parity gate")
    return parity_gate(backend, meta.build_config(), REFERENCE,
                       finetuned_dir=config.finetuned_dir,
                       splits_dir=config.splits_dir).to_dict()
