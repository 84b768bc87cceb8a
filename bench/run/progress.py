"""What a run shows while it runs: a live bar on a terminal, and one line per finished job
anywhere else (a CI log, a file, a pipe), where a bar's carriage returns become hundreds of
wrapped lines."""

from __future__ import annotations

import sys
import time
from typing import IO, Any, Protocol

from harness.records.schema import JobResult


class Progress(Protocol):
    def set_description(self, text: str) -> None: ...
    def set_postfix_str(self, text: str) -> None: ...
    def update(self, n: int) -> None: ...
    def write(self, text: str) -> None: ...
    def finished(self, result: JobResult) -> None: ...
    def close(self) -> None: ...


class Bar:
    """tqdm's bar, for a terminal."""

    def __init__(self, total: int, show: bool) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=total, unit="job", disable=not show, dynamic_ncols=True)
        self.set_description = self._bar.set_description
        self.set_postfix_str = self._bar.set_postfix_str
        self.update = self._bar.update  # jobs counted without running (already done)
        self.write = self._bar.write
        self.close = self._bar.close

    def finished(self, result: JobResult) -> None:
        self._bar.update(1)


class Lines:
    """One line per finished job (``[3/12] ok tinybert__latency__… 41.2 s``), and the
    lines a run writes on purpose (a failure); a job's own progress messages are left out."""

    def __init__(self, total: int, show: bool, stream: IO[str] | None = None) -> None:
        self.total, self.show, self.done = total, show, 0
        self.stream = stream or sys.stderr
        self.started = time.monotonic()

    def set_description(self, text: str) -> None:
        pass

    def set_postfix_str(self, text: str) -> None:
        pass

    def update(self, n: int) -> None:
        """Counts jobs that produced no line of their own (skipped: already done)."""
        self.done += n
        if self.show and n:
            self._print(f"[{self.done}/{self.total}] {n} already done")

    def write(self, text: str) -> None:
        self._print(text)

    def finished(self, result: JobResult) -> None:
        self.done += 1
        if self.show:
            self._print(f"[{self.done}/{self.total}] {result.status} {result.job_id} "
                        f"{result.duration_s:.1f} s")

    def close(self) -> None:
        if self.show:
            self._print(f"{self.done}/{self.total} jobs in {time.monotonic() - self.started:.0f} s")

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


def progress(total: int, show: bool, stream: Any | None = None) -> Progress:
    """A bar where the output is a terminal, else one line per job."""
    out = stream or sys.stderr
    return Bar(total, show) if out.isatty() else Lines(total, show, out)
