"""How the machine's cores are shared out: N streams (each its own converted model and
session) × T threads each, N·T = the job's threads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Layout:
    streams: int
    threads: int

    @property
    def label(self) -> str:
        return f"{self.streams}x{self.threads}"

    @classmethod
    def parse(cls, text: str) -> Layout:
        """'2x1' → 2 streams of 1 thread; the error names the form."""
        streams, sep, threads = text.lower().partition("x")
        if not sep or not streams.isdigit() or not threads.isdigit() \
                or int(streams) < 1 or int(threads) < 1:
            raise ValueError(f"layout {text!r}: write STREAMSxTHREADS, e.g. 1x2 or 2x1")
        return cls(int(streams), int(threads))


def layouts_for(threads: int, wanted: tuple[str, ...] = ()) -> list[Layout]:
    """The wanted layouts, or every N×T that uses all ``threads``; the single-stream layout
    (1×threads) always first: it is the baseline the others are held against."""
    if wanted:
        chosen = sorted({Layout.parse(w) for w in wanted})
    else:
        chosen = [Layout(n, threads // n) for n in range(1, threads + 1) if threads % n == 0]
    baseline = Layout(1, threads)
    return [baseline] + [layout for layout in chosen if layout != baseline]
