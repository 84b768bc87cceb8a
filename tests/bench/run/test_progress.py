"""Progress: a bar on a terminal, one line per job anywhere else."""

from __future__ import annotations

import io

from bench.run.progress import Bar, Lines, progress
from tests.factories import make_result


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_pipe_gets_one_line_per_job_and_no_carriage_returns():
    out = io.StringIO()
    shown = progress(3, True, out)
    assert isinstance(shown, Lines)
    shown.update(1)  # one already done
    shown.set_description("tinybert/latency")
    shown.set_postfix_str("b8/s128 round 3 of 7")  # a job's own chatter: left out
    shown.finished(make_result(model="tinybert", suite="latency"))
    shown.write("FAILED x (failed): boom")
    shown.finished(make_result(model="bert-base", suite="latency", status="failed"))
    shown.close()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue() and "round 3" not in out.getvalue()
    assert lines[0] == "[1/3] 1 already done"
    assert lines[1].startswith("[2/3] ok tinybert__latency")
    assert lines[2] == "FAILED x (failed): boom"
    assert lines[3].startswith("[3/3] failed bert-base__latency")
    assert lines[4].startswith("3/3 jobs in ")


def test_no_progress_still_writes_failures_and_a_terminal_gets_the_bar():
    out = io.StringIO()
    quiet = progress(1, False, out)
    quiet.finished(make_result())
    quiet.write("FAILED y")
    quiet.close()
    assert out.getvalue() == "FAILED y\n"
    assert isinstance(progress(1, False, _Terminal()), Bar)
