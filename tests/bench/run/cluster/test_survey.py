"""A node on other code or other key packages than the driver stops the run before a job."""

from __future__ import annotations

from bench.run.cluster.survey import check_same_code

DRIVER_GIT = {"sha": "abc", "dirty": False}
VERSIONS = {"torch": "2.13.0", "transformers": "5.23.0", "matplotlib": "3.11"}


def facts(sha: str = "abc", **packages) -> dict:
    return {"hostname": "n", "git": {"sha": sha}, "environment": {
        "packages": {**VERSIONS, **packages}}}


def test_the_same_code_and_key_packages_pass():
    found = {"n1": facts(), "n2": facts(matplotlib="9")}  # not a key package: no matter
    assert check_same_code(found, DRIVER_GIT, VERSIONS, ("torch", "transformers")) == []


def test_another_commit_or_key_package_is_named():
    found = {"n1": facts(sha="def"), "n2": facts(torch="2.14.0")}
    problems = check_same_code(found, DRIVER_GIT, VERSIONS, ("torch", "transformers"))
    assert len(problems) == 2
    assert "commit def" in problems[0] and "torch 2.14.0 but the driver 2.13.0" in problems[1]
