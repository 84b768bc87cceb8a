"""A hub that does not answer, or answers wrongly: every call bounded, and the message says
what to do."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from models_registry import get_model
from models_registry.meta import ModelMeta
from models_registry.weights import (
    WeightsNotFoundError,
    hub_status,
    resolve_weights,
)


@pytest.fixture
def online(monkeypatch, tmp_path):
    """The hub allowed (the tests' default is offline) with an empty HF cache."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    hub_status.cache_clear()
    yield
    hub_status.cache_clear()


@pytest.fixture
def silent_listener():
    """Accepts TCP connections (the kernel completes the handshake) and never answers."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield f"127.0.0.1:{server.getsockname()[1]}"
    server.close()


@pytest.fixture
def answers_only_the_probe():
    """Answers ``HEAD /`` at once and then stays silent on every other request, as a hub
    behind a broken proxy might: the probe passes and the real calls must time out."""
    import http.server
    import threading

    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            self.send_response(200)
            self.end_headers()

        def do_GET(self):
            release.wait(60)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    release.set()
    server.shutdown()


def _assert_names_the_way_out(message: str, endpoint: str) -> None:
    assert endpoint in message
    assert "HF_HUB_OFFLINE=1" in message
    assert "local directory" in message


def _bench_hub_model(results) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bench", "run", "--models", "hf:prajjwal1/bert-tiny",
         "--suites", "static", "--threads", "1", "--results-dir", str(results),
         "--run-id", "hub", "--no-progress", "--no-leaderboard"],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=120)
    return done, time.monotonic() - started


def test_a_silent_hub_stops_a_hub_model_before_any_job(online, silent_listener, tmp_path,
                                                       monkeypatch):
    endpoint = f"http://{silent_listener}"
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    done, elapsed = _bench_hub_model(tmp_path / "r")
    assert done.returncode == 2, done.stderr
    assert elapsed < 15, elapsed
    _assert_names_the_way_out(done.stderr, endpoint)
    assert "did not answer" in done.stderr and "nothing was run" in done.stderr
    assert not (tmp_path / "r" / "runs").exists()


def test_a_hub_that_goes_silent_fails_the_job_within_30_s(online, answers_only_the_probe,
                                                         tmp_path, monkeypatch):
    from bench.run.store import iter_results

    endpoint = f"http://{answers_only_the_probe}"
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    done, elapsed = _bench_hub_model(tmp_path / "r")
    assert done.returncode == 1, done.stderr
    assert elapsed <= 30, elapsed
    (result,) = iter_results(tmp_path / "r")
    assert result.status == "failed" and result.error.kind == "HubUnavailableError"
    _assert_names_the_way_out(result.error.message, endpoint)


def test_hub_calls_after_the_probe_are_bounded_too(online, answers_only_the_probe,
                                                   monkeypatch):
    import models_registry.weights as weights_module
    from models_registry.weights import HubUnavailableError

    endpoint = f"http://{answers_only_the_probe}"
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    monkeypatch.setattr(weights_module, "HUB_READ_TIMEOUT_S", 1.0)
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", endpoint)
    meta = ModelMeta(name="remote", hub_id="org/remote", family="bert")
    started = time.monotonic()
    with pytest.raises(HubUnavailableError) as err:
        resolve_weights(meta, allow_random_init=False)
    assert time.monotonic() - started < 10
    _assert_names_the_way_out(str(err.value), endpoint)


def test_a_tls_failure_is_reported_as_such(online, monkeypatch):
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)

    def speak_plain_text() -> None:  # not TLS: the client's handshake fails at once
        conn, _ = server.accept()
        conn.recv(1024)
        conn.sendall(b"HTTP/1.0 200 OK\r\n\r\nthis is not TLS\r\n")
        conn.close()

    threading.Thread(target=speak_plain_text, daemon=True).start()
    endpoint = f"https://127.0.0.1:{server.getsockname()[1]}"
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    try:
        reason = hub_status()
    finally:
        server.close()
    assert reason is not None and "TLS" in reason and endpoint in reason
    meta = get_model("tinybert")
    with pytest.raises(WeightsNotFoundError) as err:
        resolve_weights(meta, allow_random_init=False)
    assert "TLS" in str(err.value) and "HF_HUB_OFFLINE=1" in str(err.value)
