"""The cost/benefit figures a hardware section opens with: what each model (or model on a
backend) buys for its latency, with the Pareto frontier drawn, the choices no other point
beats on both axes. Same determinism rules as ``bench.report.figures``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

import numpy as np

from bench.report.figures import Plot, slug

ACCURACY_LATENCY_POINT = (1, 128)  # the x axis of accuracy vs cost: one text, 128 tokens
THROUGHPUT_POINT = (8, 128)  # the y axis of throughput vs latency: the backends' point
# one marker per precision, so an int8 point is told from its fp32 twin without a label
MARKERS = {"fp32": "o", "bf16": "s", "fp16": "D", "int8": "^", "int8-mixed": "v"}


class Tradeoff(Protocol):
    """A point on a cost/benefit plane: ``x`` a latency (lower is better), ``y`` what it
    buys (higher is better)."""

    @property
    def x(self) -> float: ...

    @property
    def y(self) -> float: ...


T = TypeVar("T", bound=Tradeoff)


def pareto_front(points: list[T]) -> list[T]:
    """The points no other point beats on both axes (lower ``x`` and higher ``y``), by x."""
    front, best = [], -np.inf
    for p in sorted(points, key=lambda p: (p.x, -p.y)):
        if p.y > best:
            front.append(p)
            best = p.y
    return front


def _frontier(ax: Any, points: list[Tradeoff]) -> list[Tradeoff]:
    front = pareto_front(points)
    ax.plot([p.x for p in front], [p.y for p in front], "k--", drawstyle="steps-post", lw=1,
            label="Pareto frontier")
    ax.scatter([p.x for p in front], [p.y for p in front], s=30, facecolors="none",
               edgecolors="k")
    return front


@dataclass
class AccuracyCost:
    """One model's point on the accuracy-versus-latency plane."""

    model: str
    p50_ms: float
    accuracy_pct: float
    ci_pct: tuple[float, float] | None
    parameters: int | None

    @property
    def x(self) -> float:
        return self.p50_ms

    @property
    def y(self) -> float:
        return self.accuracy_pct


@dataclass
class AccuracyVsLatency(Plot):
    """Accuracy on one test set against p50 latency; bubble area ∝ parameters."""

    kind: ClassVar[str] = "accuracy-vs-latency"
    test_set: str = ""
    latency_point: tuple[int, int] = ACCURACY_LATENCY_POINT
    context: str = ""
    points: list[AccuracyCost] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return f"{self.kind}-{slug(self.test_set)}.png"

    @property
    def title(self) -> str:
        b, s = self.latency_point
        return f"{self.test_set}: accuracy vs p50 latency b{b}/s{s}\n{self.context}"

    def draw(self, ax: Any) -> None:
        sized = [p.parameters for p in self.points if p.parameters]
        largest = max(sized) if sized else 1
        for p in sorted(self.points, key=lambda p: p.model):
            area = 60 + 1400 * (p.parameters / largest) if p.parameters else 60
            ax.scatter([p.p50_ms], [p.accuracy_pct], s=area, alpha=0.55,
                       color=self.colours[p.model], edgecolors="none")
            if p.ci_pct:
                low, high = p.ci_pct
                ax.errorbar([p.p50_ms], [p.accuracy_pct],
                            yerr=[[p.accuracy_pct - low], [high - p.accuracy_pct]],
                            color=self.colours[p.model], capsize=3, lw=1)
            size = f"{p.parameters / 1e6:.1f}M" if p.parameters else "size n/a"
            ax.annotate(f"{p.model} ({size})", (p.p50_ms, p.accuracy_pct), fontsize=8,
                        xytext=(6, 6), textcoords="offset points")
        _frontier(ax, self.points)
        ax.set_xscale("log")
        ax.set_xlabel(f"p50 latency, batch {self.latency_point[0]}, "
                      f"{self.latency_point[1]} tokens (ms, log)")
        ax.set_ylabel("accuracy (%), 95% bootstrap CI")
        ax.margins(0.15)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")


@dataclass
class BackendCost:
    """One model on one backend (its parity gate passed): latency for one text, and
    throughput when texts come in batches."""

    model: str
    backend: str
    precision: str
    p50_ms: float  # at ACCURACY_LATENCY_POINT
    samples_per_s: float  # at THROUGHPUT_POINT

    @property
    def x(self) -> float:
        return self.p50_ms

    @property
    def y(self) -> float:
        return self.samples_per_s


@dataclass
class ThroughputVsLatency(Plot):
    """Every gated model × backend: throughput against single-text latency. Across models
    the smallest wins both; within one model the backends trade one for the other, so each
    model gets its own frontier, its backends on it labelled: the choices worth making."""

    kind: ClassVar[str] = "throughput-vs-latency"
    context: str = ""
    points: list[BackendCost] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return f"{self.kind}.png"

    @property
    def title(self) -> str:
        (b, s), (tb, ts) = ACCURACY_LATENCY_POINT, THROUGHPUT_POINT
        return (f"Throughput b{tb}/s{ts} vs latency b{b}/s{s}, per model: its backends "
                f"(gate passed)\n{self.context}")

    def draw(self, ax: Any) -> None:
        models = sorted({p.model for p in self.points})
        for model in models:
            mine = sorted((p for p in self.points if p.model == model), key=lambda p: p.backend)
            colour = self.colours[model]
            for p in mine:
                ax.scatter([p.x], [p.y], s=36, alpha=0.75, color=colour,
                           marker=MARKERS.get(p.precision, "X"), edgecolors="none")
            front = pareto_front(mine)
            ax.plot([p.x for p in front], [p.y for p in front], "--", color=colour, lw=1,
                    drawstyle="steps-post")
            for p in front:
                ax.annotate(p.backend, (p.x, p.y), fontsize=6, xytext=(4, 3),
                            textcoords="offset points", color=colour)
            ax.scatter([], [], color=colour, marker="o", label=model)
        for precision in sorted({p.precision for p in self.points}):
            ax.scatter([], [], color="#555", marker=MARKERS.get(precision, "X"),
                       label=precision)
        ax.plot([], [], "k--", lw=1, label="a model's frontier")
        ax.set_xscale("log")
        ax.set_yscale("log")
        b, s = ACCURACY_LATENCY_POINT
        tb, ts = THROUGHPUT_POINT
        ax.set_xlabel(f"p50 latency, batch {b}, {s} tokens (ms, log)")
        ax.set_ylabel(f"samples/s at batch {tb}, {ts} tokens (log)")
        ax.margins(0.12)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="upper right", ncol=2)
