from __future__ import annotations

import pytest

from bench.cli import build_parser
from bench.run.request import RunRequest
from harness.options import Option, positive_int
from suites import SUITES
from suites.static import StaticSuite


class DummySuite(StaticSuite):
    """A suite that exists only in this test: it declares one flag of its own."""

    name = "dummy"
    description = "a test suite"
    options = (Option("--dummy-flops-batch", "batch size of the FLOP count", "dummy suite",
                      {"type": positive_int}),)

    def overrides(self, values, results_dir):
        return {"flops_batch_size": values.get("dummy_flops_batch")}


def _help() -> str:
    parser = build_parser()
    run = next(a for a in parser._subparsers._group_actions[0].choices.values()
               if a.prog.endswith(" run"))
    return run.format_help()


def test_every_suite_flag_is_in_the_help_under_its_section():
    text = _help()
    for suite in SUITES.values():
        for option in suite.options:
            assert option.flag in text, (suite.name, option.flag)
            assert f"{option.group}:" in text


def test_a_new_suite_brings_its_own_flag_and_the_cli_is_not_edited(monkeypatch, tmp_path):
    monkeypatch.setitem(SUITES, "dummy", DummySuite())
    assert "--dummy-flops-batch" in _help() and "dummy suite:" in _help()
    args = build_parser().parse_args(["run", "--suites", "dummy", "--models", "tinybert",
                                      "--dummy-flops-batch", "3",
                                      "--results-dir", str(tmp_path)])
    (job,) = RunRequest(["tinybert"], ["dummy"], tmp_path, values=vars(args)).plan(threads=1)
    assert job.config["flops_batch_size"] == 3
    with pytest.raises(SystemExit):  # its type check runs before any work
        build_parser().parse_args(["run", "--dummy-flops-batch", "0"])


def test_an_option_reaches_only_the_suites_that_declare_it(tmp_path):
    """--train-batch-size is the accuracy suites' fine-tuning batch; the padding suite has a
    `batch_size` of its own that the flag must not touch."""
    args = build_parser().parse_args(["run", "--suites", "padding", "welfake", "--models",
                                      "tinybert", "--train-batch-size", "4",
                                      "--results-dir", str(tmp_path)])
    jobs = RunRequest(["tinybert"], ["padding", "welfake"], tmp_path,
                      values=vars(args)).plan(threads=1)
    padding = next(j for j in jobs if j.suite == "padding")
    assert padding.config["batch_size"] == SUITES["padding"].preset("quick", 1).batch_size
    assert next(j for j in jobs if j.suite == "welfake").config["batch_size"] == 4


def test_two_suites_declaring_one_flag_differently_is_caught(monkeypatch):
    clash = DummySuite()
    clash.options = (Option("--weights", "something else"),)
    monkeypatch.setitem(SUITES, "dummy", clash)
    with pytest.raises(ValueError, match="--weights"):
        build_parser()


def test_external_labels_can_be_given_per_file():
    import pytest

    from harness.accuracy.options import external_overrides, fixed_labels
    from harness.data.errors import DataError

    files = ["/d/labelled.csv", "/d/gossip_real.csv"]
    assert fixed_labels(["gossip_real=real"], files) == {"gossip_real": "real"}
    assert fixed_labels(["fake", "gossip_real=real"], files) == {"labelled": "fake",
                                                                 "gossip_real": "real"}
    sets = external_overrides({"external": files, "external_label": ["gossip_real=real"],
                               "external_label_column": "label"})["sets"]
    assert [s.get("fixed_label") for s in sets] == [None, "real"]
    with pytest.raises(DataError, match="no external file is named 'nope'"):
        fixed_labels(["nope=real"], files)
    with pytest.raises(DataError, match="must be one of real, fake"):
        fixed_labels(["gossip_real=maybe"], files)
