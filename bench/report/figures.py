"""The figures: each plot is a dataclass holding the numbers it shows and knowing how to
draw itself (``bench.report.plots`` decides which figures a section's results support).

Deterministic on purpose: file names come from what is plotted (never from a time), models
keep one colour in every figure (sorted names), the PNG carries no software or date
metadata, and matplotlib's own defaults are used whatever the user's matplotlibrc says, so
the same results always give byte-identical files on the same installation. Only the
object-oriented API is used (no pyplot): nothing global is touched in the caller's process.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

FIGSIZE = (6.4, 4.4)
DPI = 110
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


def literal(text: str) -> str:
    """Text from result files (names, CPU strings) drawn as the characters it holds: every
    ``$`` escaped, so "$…$" is never mathtext (which would render it as math, or fail to
    parse it and stop the whole publish). The axes' own tick labels keep their mathtext."""
    return text.replace("$", r"\$")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@dataclass
class Plot:
    """One PNG: a deterministic file name, alt text for the markdown, and a ``draw``."""

    kind: ClassVar[str]
    colours: dict[str, str] = field(repr=False)

    @property
    def filename(self) -> str:
        raise NotImplementedError

    @property
    def title(self) -> str:
        raise NotImplementedError

    @property
    def alt(self) -> str:
        return self.title.replace("\n", " — ")

    def draw(self, ax: Any) -> None:
        raise NotImplementedError

    def png(self) -> bytes:
        import matplotlib.style
        from matplotlib.figure import Figure

        with matplotlib.style.context("default"):
            fig = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
            ax = fig.add_subplot()
            self.draw(ax)
            ax.set_title(literal(self.title), fontsize=9)
            legend = ax.get_legend()
            for text in [*ax.texts, *(legend.get_texts() if legend else [])]:
                text.set_text(literal(text.get_text()))
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        return buffer.getvalue()


@dataclass
class LatencyCurves(Plot):
    """p50 latency against batch size at one sequence length, one line per model."""

    kind: ClassVar[str] = "latency-vs-batch"
    seq_len: int = 128
    context: str = ""
    # model → [(batch, p50, p10, p90)]
    series: dict[str, list[tuple[int, float, float, float]]] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"{self.kind}-s{self.seq_len}.png"

    @property
    def title(self) -> str:
        return f"Latency vs batch size, {self.seq_len} tokens\n{self.context}"

    def draw(self, ax: Any) -> None:
        for model, points in sorted(self.series.items()):
            b, p50, p10, p90 = np.array(sorted(points), dtype=float).T
            whiskers = np.maximum(0, [p50 - p10, p90 - p50])
            ax.errorbar(b, p50, yerr=whiskers, marker="o", ms=4, capsize=3, label=model,
                        color=self.colours[model])
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        batches = sorted({b for points in self.series.values() for b, *_ in points})
        ax.set_xticks(batches, [str(b) for b in batches])
        ax.set_xlabel("batch size")
        ax.set_ylabel("p50 latency per batch (ms); whiskers p10–p90")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)


@dataclass
class CurvesFigure(Plot):
    """A suite's declared curves (``harness.records.roles.Curves``): one line per model,
    points that met the suite's condition filled, the others hollow, the bound dashed."""

    kind: ClassVar[str] = "curves"
    curves: Any = None
    context: str = ""

    @property
    def filename(self) -> str:
        return f"{slug(self.curves.slug)}.png"

    @property
    def title(self) -> str:
        return f"{self.curves.title}\n{self.context}"

    def draw(self, ax: Any) -> None:
        c = self.curves
        for model, points in sorted(c.series.items()):
            x, y, met = zip(*sorted(points), strict=True)
            colour = self.colours.get(model, PALETTE[0])
            ax.plot(x, y, color=colour, lw=1, label=model)
            ax.scatter([a for a, m in zip(x, met, strict=True) if m],
                       [b for b, m in zip(y, met, strict=True) if m], color=colour, s=18)
            ax.scatter([a for a, m in zip(x, met, strict=True) if not m],
                       [b for b, m in zip(y, met, strict=True) if not m], facecolors="none",
                       edgecolors=colour, s=18)
        if c.y_line is not None:
            ax.axhline(c.y_line, color="black", ls="--", lw=0.8, label=c.y_line_label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(c.x_label + "; hollow: not met")
        ax.set_ylabel(c.y_label)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)


@dataclass
class MemoryCurves(Plot):
    """Peak resident memory during the forward pass against sequence length."""

    kind: ClassVar[str] = "memory-vs-seq"
    batch_size: int = 1
    context: str = ""
    series: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"{self.kind}-b{self.batch_size}.png"

    @property
    def title(self) -> str:
        return f"Peak memory vs sequence length, batch {self.batch_size}\n{self.context}"

    def draw(self, ax: Any) -> None:
        for model, points in sorted(self.series.items()):
            seq, mib = np.array(sorted(points), dtype=float).T
            ax.plot(seq, mib, marker="o", ms=4, label=model, color=self.colours[model])
        ax.set_xscale("log", base=2)
        lengths = sorted({s for points in self.series.values() for s, _ in points})
        ax.set_xticks(lengths, [str(s) for s in lengths])
        ax.set_xlabel("sequence length (tokens)")
        ax.set_ylabel("peak RSS during forward (MiB, incl. runtime)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)


@dataclass
class ConfusionMatrix(Plot):
    """Counts with each true class's row share, per model and test set."""

    kind: ClassVar[str] = "confusion"
    model: str = ""
    test_set: str = ""
    labels: list[str] = field(default_factory=list)
    counts: list[list[int]] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return f"{self.kind}-{slug(self.model)}-{slug(self.test_set)}.png"

    @property
    def title(self) -> str:
        return f"{self.model} on {self.test_set} (n={int(np.sum(self.counts))})"

    def draw(self, ax: Any) -> None:
        counts = np.asarray(self.counts, dtype=float)
        share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
        ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
        for i in range(counts.shape[0]):
            for j in range(counts.shape[1]):
                ax.text(j, i, f"{int(counts[i, j])}\n{100 * share[i, j]:.1f}%", ha="center",
                        va="center", fontsize=9,
                        color="white" if share[i, j] > 0.6 else "black")
        ticks = range(len(self.labels))
        ax.set_xticks(ticks, [literal(label) for label in self.labels])
        ax.set_yticks(ticks, [literal(label) for label in self.labels])
        ax.set_xlabel("predicted")
        ax.set_ylabel("true (row share)")
