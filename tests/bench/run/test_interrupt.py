"""Signals become one exception that unwinds a command cleanly."""

from __future__ import annotations

import os
import signal

import pytest

from bench.run.interrupt import Interrupted, signals_raise


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_each_handled_signal_raises_interrupted_and_handlers_are_restored(signum):
    before = signal.getsignal(signum)
    with pytest.raises(Interrupted) as caught, signals_raise():
        os.kill(os.getpid(), signum)  # the handler runs before the next statement
    assert caught.value.signum == signum
    assert caught.value.exit_code == 128 + signum
    assert signal.getsignal(signum) == before


def test_a_second_signal_gets_the_previous_handler():
    seen = []
    previous = signal.signal(signal.SIGTERM, lambda *a: seen.append("previous"))
    try:
        with pytest.raises(Interrupted), signals_raise():
            try:
                os.kill(os.getpid(), signal.SIGTERM)
            except Interrupted:
                os.kill(os.getpid(), signal.SIGTERM)  # while cleaning up
                raise
        assert seen == ["previous"]
    finally:
        signal.signal(signal.SIGTERM, previous)
