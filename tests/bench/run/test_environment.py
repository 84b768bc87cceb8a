"""The hardware fingerprint separates hosts that a VM names alike."""

from __future__ import annotations

from harness.environment import capture_environment, cpu_identity, hardware_fingerprint


def test_cpu_identity_names_the_part():
    cpu = {"model name": "AMD EPYC", "cpu family": "25", "model": "17", "stepping": "1"}
    assert cpu_identity(cpu).startswith("family 25 model 17 stepping 1")


def test_same_model_name_different_part_is_different_hardware():
    env = dict(capture_environment())
    zen4 = {**env, "cpu_model": "AMD EPYC", "cpu_id": "family 25 model 17 stepping 1"}
    zen5 = {**zen4, "cpu_id": "family 26 model 2 stepping 1"}
    assert hardware_fingerprint(zen4) != hardware_fingerprint(zen5)
    assert hardware_fingerprint(zen4) == hardware_fingerprint(dict(zen4))


def test_this_machine_records_its_part():
    env = capture_environment()
    assert env["hardware_fingerprint"] == hardware_fingerprint(env)
    assert "cpu_id" in env
