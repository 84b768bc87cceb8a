"""SIGINT, SIGTERM and SIGHUP end a bench command the same way: as an exception that unwinds
it, so the running job's process group is killed, the job is recorded as interrupted, locks
and scratch space are released, and the user sees one line instead of a traceback."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(BaseException):
    """Raised in the main thread when one of ``HANDLED`` arrives."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.signal_name = signal.Signals(signum).name
        self.during: str | None = None  # the job it stopped, recorded as interrupted
        super().__init__(self.signal_name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # what a shell reports for a process ended by the signal


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """Turn the handled signals into :class:`Interrupted` while the block runs (main thread
    only; elsewhere, as under some embedding hosts, signals keep their handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in HANDLED}

    def _raise(signum: int, _frame: object) -> None:
        # A second signal gets the previous handlers (a second Ctrl-C is not held up by
        # the clean-up); the children die with this process in any case.
        for handled, handler in previous.items():
            signal.signal(handled, handler)
        raise Interrupted(signum)

    for handled in HANDLED:
        signal.signal(handled, _raise)
    try:
        yield
    finally:
        for handled, handler in previous.items():
            signal.signal(handled, handler)
