"""An unreachable cluster fails in seconds, naming the address and how to start one."""

from __future__ import annotations

import socket
import time

import pytest

from bench.cli import main
from bench.run.cluster.connect import connect, host_port
from bench.run.cluster.nodes import ClusterError


def closed_port() -> int:
    with socket.socket() as sock:  # bound, never listening: connections are refused
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_address_fails_within_30_s_naming_it_and_the_fix():
    address = f"127.0.0.1:{closed_port()}"
    started = time.monotonic()
    with pytest.raises(ClusterError) as failure:
        connect(address)
    assert time.monotonic() - started < 30
    assert address in str(failure.value) and "ray start --head" in str(failure.value)


@pytest.mark.parametrize("bad", ["localhost", "host:port", ":80"])
def test_an_address_is_host_and_port(bad):
    assert host_port("ray://10.0.0.1:10001") == ("10.0.0.1", 10001)
    with pytest.raises(ClusterError, match="HOST:PORT"):
        host_port(bad)


def test_the_cli_refuses_ray_flags_without_the_ray_executor(capsys, tmp_path):
    assert main(["run", "--each-node-type", "--results-dir", str(tmp_path)]) == 2
    assert "need --executor ray" in capsys.readouterr().err
    assert main(["run", "--executor", "ray", "--shard", "1/2",
                 "--results-dir", str(tmp_path)]) == 2
    assert "one or the other" in capsys.readouterr().err


def test_the_cli_reports_an_unreachable_cluster_and_runs_nothing(capsys, tmp_path):
    code = main(["run", "--executor", "ray", "--ray-address", f"127.0.0.1:{closed_port()}",
                 "--results-dir", str(tmp_path), "--no-leaderboard"])
    assert code == 2 and "no Ray cluster reachable" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()
