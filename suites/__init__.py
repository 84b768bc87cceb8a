"""Suites: each one runs identically on every model. Importing this never imports torch.

A suite is a package here whose ``__init__`` defines ``SUITE = <Suite instance>``; it is
found by that alone (as models are found by their ``MODEL``), so adding a suite touches
only its own package.
"""

from __future__ import annotations

import importlib
import pkgutil

from harness.suite import Suite


def _discover() -> dict[str, Suite]:
    found: dict[str, Suite] = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        suite = getattr(module, "SUITE", None)
        if suite is None:  # a package without SUITE is not a suite
            continue
        if not isinstance(suite, Suite):
            raise TypeError(f"{module.__file__}: SUITE must be a Suite instance, not "
                            f"{type(suite).__name__}")
        if suite.name in found:
            raise ValueError(f"suite name {suite.name!r} is declared twice")
        found[suite.name] = suite
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


SUITES: dict[str, Suite] = _discover()
# `bench run` without --suites: the main job (offline, random-init efficiency suites).
EFFICIENCY_SUITES = tuple(name for name, suite in SUITES.items() if suite.in_main_job)


def get_suite(name: str) -> Suite:
    if name not in SUITES:
        raise KeyError(f"unknown suite {name!r}; available: {', '.join(SUITES)}")
    return SUITES[name]
