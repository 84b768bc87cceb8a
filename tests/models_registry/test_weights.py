from __future__ import annotations

import time

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
