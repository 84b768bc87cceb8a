"""Claims registry: one module per paper in ``papers/``, each defining ``CLAIMS``."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from models_registry.claims import papers as _papers_pkg
from models_registry.claims.claim import Claim, Evidence, Paper, PaperVersion, Tolerance

__all__ = ["Claim", "Evidence", "Paper", "PaperVersion", "Tolerance", "all_claims"]


@cache
def all_claims() -> dict[str, Claim]:
    found: dict[str, Claim] = {}
    for info in sorted(pkgutil.iter_modules(_papers_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{_papers_pkg.__name__}.{info.name}")
        for claim in module.CLAIMS:
            if claim.id in found:
                raise ValueError(f"claim id {claim.id!r} is declared twice")
            found[claim.id] = claim
    return found
