"""pytest-benchmark wiring: skipped without ``--benchmark``; machine info adds torch, threads."""

from __future__ import annotations

import pytest

from harness.environment import capture_environment, usable_cores


def bench_threads(config: pytest.Config) -> int:
    return config.getoption("--bench-threads") or usable_cores()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--benchmark"):
        return
    skip = pytest.mark.skip(reason="latency benchmark: run with `pytest bench/ --benchmark`")
    for item in items:
        if "benchmark" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    config = metafunc.config
    if "bench_model" in metafunc.fixturenames:
        models = [m.strip() for m in config.getoption("--bench-models").split(",") if m.strip()]
        metafunc.parametrize("bench_model", models)
    if "point" in metafunc.fixturenames:
        points = []
        for item in config.getoption("--bench-grid").split(","):
            batch, _, seq = item.strip().partition("x")
            points.append((int(batch), int(seq)))
        metafunc.parametrize("point", points, ids=[f"b{b}-s{s}" for b, s in points])


@pytest.fixture(scope="session")
def threads(pytestconfig: pytest.Config) -> int:
    return bench_threads(pytestconfig)


def pytest_benchmark_update_machine_info(config: pytest.Config, machine_info: dict) -> None:
    import torch

    env = capture_environment()
    machine_info["torch_version"] = torch.__version__
    machine_info["transformers_version"] = env["packages"].get("transformers")
    machine_info["torch_threads"] = bench_threads(config)
    machine_info["torch_interop_threads"] = torch.get_num_interop_threads()
    machine_info["hardware_fingerprint"] = env["hardware_fingerprint"]
