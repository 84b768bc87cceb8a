"""Suites: each one runs identically on every model. Importing this never imports torch."""

from __future__ import annotations

from suites.base import Suite
from suites.external import ExternalSuite
from suites.latency import LatencySuite
from suites.memory import MemorySuite
from suites.mnli_proxy import MnliProxySuite
from suites.padding import PaddingSuite
from suites.static import StaticSuite
from suites.welfake import WelfakeSuite

SUITES: dict[str, Suite] = {
    s.name: s
    for s in (StaticSuite(), LatencySuite(), MemorySuite(), PaddingSuite(), MnliProxySuite(),
              WelfakeSuite(), ExternalSuite())
}
EFFICIENCY_SUITES = ("static", "latency", "memory")
ACCURACY_SUITES = ("mnli-proxy", "welfake", "external")


def get_suite(name: str) -> Suite:
    if name not in SUITES:
        raise KeyError(f"unknown suite {name!r}; available: {', '.join(SUITES)}")
    return SUITES[name]
