"""Tiny models of each family, saved to a temp dir and loaded back through from_pretrained."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Tests never touch the network: no hub lookups, no downloads.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# The tests' own jobs take a machine lock of their own, never one a real run on this machine
# holds (bench.run.machine_lock).
_LOCK_DIR = tempfile.mkdtemp(prefix="bench-test-lock-")
atexit.register(shutil.rmtree, _LOCK_DIR, True)
os.environ["BENCH_LOCK_FILE"] = os.path.join(_LOCK_DIR, "machine.lock")

TINY_VOCAB = 128  # > 102 so [CLS]/[SEP] ids exist
TINY_CONFIGS = {
    "bert": dict(
        vocab_size=TINY_VOCAB,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=48,
        max_position_embeddings=64,
    ),
    "distilbert": dict(
        vocab_size=TINY_VOCAB,
        dim=32,
        n_layers=2,
        n_heads=2,
        hidden_dim=48,
        max_position_embeddings=64,
    ),
    "mobilebert": dict(
        vocab_size=TINY_VOCAB,
        hidden_size=64,
        embedding_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        intra_bottleneck_size=16,
        true_hidden_size=16,
        num_feedforward_networks=2,
        max_position_embeddings=64,
        classifier_activation=False,
    ),
}


def save_tiny_model(family: str, directory: Path, *, seed: int = 0) -> Path:
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification

    torch.manual_seed(seed)
    config = AutoConfig.for_model(family, num_labels=2, **TINY_CONFIGS[family])
    model = AutoModelForSequenceClassification.from_config(config)
    model.save_pretrained(directory, safe_serialization=True)
    return directory


@pytest.fixture(scope="session")
def tiny_model_dirs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tiny-models")
    return {f: save_tiny_model(f, root / f"tiny-{f}") for f in TINY_CONFIGS}


@pytest.fixture(scope="session")
def tiny_bert_dir(tiny_model_dirs) -> Path:
    return tiny_model_dirs["bert"]


@pytest.fixture(scope="session")
def tiny_classifier_dirs(tmp_path_factory) -> dict[str, Path]:
    """Tiny base models of each family with a WordPiece tokenizer the test wrote."""
    from tests.accuracy_data import write_tokenizer

    root = tmp_path_factory.mktemp("tiny-classifiers")
    return {f: write_tokenizer(f, save_tiny_model(f, root / f"tiny-{f}", seed=1))
            for f in TINY_CONFIGS}
