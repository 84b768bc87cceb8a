"""Helpers every suite's table renderer shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.records.schema import JobResult


def ok_results(results: list[JobResult]) -> list[JobResult]:
    return [r for r in results if r.status == "ok"]


def model_label(result: JobResult) -> str:
    """The model name, marked when its weights were random (cost only, never accuracy)."""
    suffix = " (random-init)" if result.model.weights == "random-init" else ""
    return f"{result.model.name}{suffix}"


def mib(n_bytes: float) -> float:
    return n_bytes / 2**20
