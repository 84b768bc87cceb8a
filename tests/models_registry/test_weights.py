from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from models_registry import get_model
from models_registry.loading import load_classifier
from models_registry.meta import ModelMeta
from models_registry.weights import (
    WeightsNotFoundError,
    hub_reachable,
    hub_status,
    resolve_weights,
)


def _logits(model, seed=1):
    import torch

    ids = torch.randint(
        0, model.config.vocab_size, (2, 12), generator=torch.Generator().manual_seed(seed)
    )
    with torch.inference_mode():
        return model(input_ids=ids).logits


def test_local_safetensors_directory_loads_the_saved_weights(tiny_bert_dir):
    from transformers import AutoModelForSequenceClassification

    meta = ModelMeta.from_local_dir(tiny_bert_dir)
    weights = resolve_weights(meta, allow_random_init=False)
    assert (weights.source, weights.format, weights.label) == (
        "local-dir",
        "safetensors",
        "pretrained",
    )
    model = load_classifier(meta, weights)
    reference = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir).eval()
    assert _logits(model).equal(_logits(reference))


def test_pickle_checkpoint_loads_only_through_weights_only(tiny_bert_dir, tmp_path):
    import torch
    from transformers import AutoModelForSequenceClassification

    source = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir).eval()
    source.config.save_pretrained(tmp_path)
    torch.save(source.state_dict(), tmp_path / "pytorch_model.bin")
    meta = ModelMeta.from_local_dir(tmp_path)
    weights = resolve_weights(meta, allow_random_init=False)
    assert weights.format == "pytorch-bin (torch.load weights_only=True)"
    assert _logits(load_classifier(meta, weights)).equal(_logits(source))


def test_dir_without_weights_is_an_error_unless_random_init_allowed(tmp_path, tiny_bert_dir):
    (tmp_path / "config.json").write_bytes((tiny_bert_dir / "config.json").read_bytes())
    meta = ModelMeta.from_local_dir(tmp_path)
    with pytest.raises(WeightsNotFoundError, match=r"no weights .*save_pretrained"):
        resolve_weights(meta, allow_random_init=False)
    assert resolve_weights(meta, allow_random_init=True).source == "random-init"


def test_offline_without_cache_is_fast_and_names_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    hub_status.cache_clear()
    meta = get_model("tinybert")
    started = time.monotonic()
    with pytest.raises(WeightsNotFoundError) as err:
        resolve_weights(meta, allow_random_init=False, cache_dir=tmp_path)
    assert time.monotonic() - started < 5
    message = str(err.value)
    assert "huawei-noah/TinyBERT_General_4L_312D" in message
    assert "hf download" in message and "HF_HUB_OFFLINE" in message
    fallback = resolve_weights(meta, allow_random_init=True, cache_dir=tmp_path)
    assert fallback.to_dict()["weights"] == "random-init"


def test_unreachable_hub_is_detected_in_seconds(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # discard port: refused at once
    hub_status.cache_clear()
    started = time.monotonic()
    try:
        assert hub_reachable() is False
    finally:
        hub_status.cache_clear()
    assert time.monotonic() - started < 5


def test_hf_cache_snapshot_is_found_with_its_revision(tmp_path, tiny_bert_dir):
    """A cache laid out as huggingface_hub writes it: refs/main → snapshots/<commit>/."""
    meta = ModelMeta(name="cached", hub_id="org/tiny-cached", family="bert")
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "models--org--tiny-cached"
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    for name in ("config.json", "model.safetensors"):
        (snapshot / name).write_bytes((tiny_bert_dir / name).read_bytes())
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)

    weights = resolve_weights(meta, allow_random_init=False, cache_dir=tmp_path)
    assert (weights.source, weights.revision, weights.format) == ("hf-cache", commit, "safetensors")
    # an ad-hoc hf: model learns its architecture from the cached config.json
    model = load_classifier(meta, weights)
    assert model.config.hidden_size == 32


def test_random_init_is_seeded_and_matches_declared_architecture():
    meta = get_model("tinybert")
    weights = resolve_weights(meta, allow_random_init=True, force_random_init=True)
    a, b = load_classifier(meta, weights, seed=3), load_classifier(meta, weights, seed=3)
    assert _logits(a).equal(_logits(b))
    assert sum(p.numel() for p in a.parameters()) == meta.n_parameters


class _FakeHub:
    """Stands in for the hub: lists a repository's files and 'downloads' a prepared snapshot."""

    def __init__(self, files: list[str], snapshot):
        self.files, self.snapshot, self.patterns = files, snapshot, None

    def model_info(self, repo_id, revision=None, timeout=None):
        assert timeout is not None  # a hub call without a timeout can hang a job for hours
        from types import SimpleNamespace

        siblings = [SimpleNamespace(rfilename=f) for f in self.files]
        return SimpleNamespace(siblings=siblings, sha="f" * 40)

    def snapshot_download(self, repo_id, revision=None, allow_patterns=None, **kwargs):
        if kwargs.get("local_files_only"):
            raise FileNotFoundError("not cached")
        assert kwargs.get("etag_timeout")
        assert revision == "f" * 40  # pinned to the commit model_info reported
        self.patterns = allow_patterns
        return str(self.snapshot)


@pytest.mark.parametrize(
    ("files", "wanted", "unwanted"),
    [
        (["config.json", "model.safetensors", "pytorch_model.bin"], "*.safetensors", "bin"),
        (["config.json", "pytorch_model.bin"], "pytorch_model*.bin", "safetensors"),
    ],
)
def test_online_hub_prefers_safetensors_and_pins_the_commit(
    files, wanted, unwanted, tiny_bert_dir, tmp_path, monkeypatch
):
    import huggingface_hub

    import models_registry.weights as weights_module

    hub = _FakeHub(files, tiny_bert_dir)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", hub.snapshot_download)
    monkeypatch.setattr(huggingface_hub, "HfApi", lambda: hub)
    monkeypatch.setattr(weights_module, "hub_status", lambda: None)
    meta = ModelMeta(name="remote", hub_id="org/remote", family="bert")
    weights = resolve_weights(meta, allow_random_init=False, cache_dir=tmp_path)
    assert (weights.source, weights.revision) == ("hub", "f" * 40)
    assert wanted in hub.patterns and not any(unwanted in p for p in hub.patterns)


# --- a hub that does not answer: bounded, and the message says what to do -----------------
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
