"""Which jobs share a worker: same suite and group key, in run order, split to fit memory."""

from __future__ import annotations

from bench.run.groups import PROCESS_MIB, group_jobs
from bench.run.jobs import plan_jobs


def _jobs(models: str, backends: list[str] | None = None, seq_lens=(16,)):
    return plan_jobs(models.split(","), ["static", "latency"], mode="quick", threads=1,
                     overrides={"batch_sizes": (1,), "seq_lens": seq_lens,
                                "backends": backends})


def _shape(groups) -> list[list[tuple[str, str]]]:
    return [[(s.model.name, s.suite) for s in g] for g in groups]


def test_latency_jobs_of_a_run_form_one_group_where_the_first_stood():
    groups = group_jobs(_jobs("tinybert,mobilebert,bert-base"), budget_mib=1e9)
    assert _shape(groups) == [
        [("tinybert", "static")],
        [("tinybert", "latency"), ("mobilebert", "latency"), ("bert-base", "latency")],
        [("mobilebert", "static")], [("bert-base", "static")]]


def test_different_timing_settings_never_share_a_group():
    jobs = _jobs("tinybert") + _jobs("mobilebert", seq_lens=(32,))
    latency = [g for g in group_jobs(jobs, budget_mib=1e9) if g[0].suite == "latency"]
    assert len(latency) == 2


def test_a_group_too_big_for_memory_is_split_by_backend_then_chunked():
    jobs = [j for j in _jobs("tinybert,mobilebert", ["pytorch-sdpa", "pytorch-eager-attn"])
            if j.suite == "latency"]
    whole = group_jobs(jobs, budget_mib=1e9)
    assert len(whole) == 1 and len(whole[0]) == 4
    by_backend = group_jobs(jobs, budget_mib=PROCESS_MIB + 2.5, estimate=lambda s: 1.0)
    assert [{s.config["backend"] for s in g} for g in by_backend] == [
        {"pytorch-sdpa"}, {"pytorch-eager-attn"}]
    alone = group_jobs(jobs, budget_mib=PROCESS_MIB + 1.5, estimate=lambda s: 1.0)
    assert [len(g) for g in alone] == [1, 1, 1, 1]
