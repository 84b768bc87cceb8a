"""Getting a classifier for an accuracy job: a base model to fine-tune, or a fine-tuned one.

A fine-tuned model is saved once (safetensors, with its tokenizer and a ``bench_finetune.json``
record of data fingerprints, hyper-parameters and in-domain metrics) and found again by a
tag over everything that made it, so the external suite evaluates exactly what WELFake trained.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from harness.accuracy.classifiers import TfidfLogReg, TransformerClassifier
from harness.records.paths import path_part
from models_registry.meta import ModelMeta
from models_registry.weights import ResolvedWeights, WeightsNotFoundError

RECORD_FILE = "bench_finetune.json"
TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "tokenizer_config.json")


def load_tokenizer(path: str | Path) -> Any:
    from transformers import AutoTokenizer

    path = Path(path)
    if not any((path / name).is_file() for name in TOKENIZER_FILES):
        raise WeightsNotFoundError(
            f"{path} has no tokenizer ({' / '.join(TOKENIZER_FILES)}); save one beside the "
            "weights with tokenizer.save_pretrained(DIR)"
        )
    return AutoTokenizer.from_pretrained(str(path), trust_remote_code=False)


def load_base(
    meta: ModelMeta, label_names: tuple[str, ...], seed: int
) -> tuple[Any, Any, ResolvedWeights]:
    """Pretrained weights with a fresh, seeded head for ``label_names``; never random-init."""
    from models_registry.loading import load_classifier
    from models_registry.weights import resolve_weights

    weights = resolve_weights(meta, allow_random_init=False)
    model = load_classifier(meta, weights, label_names=label_names, seed=seed)
    return model, load_tokenizer(weights.path), weights


def finetune_tag(meta: ModelMeta, recipe: dict[str, Any]) -> str:
    """Directory name of a fine-tuned model: model name plus a hash of everything that made it."""
    blob = json.dumps({"model": meta.identity(), "recipe": recipe}, sort_keys=True, default=str)
    safe = path_part(meta.name)
    return f"{safe}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}"


def save_finetuned(
    directory: Path, classifier: Any, tokenizer: Any | None, record: dict[str, Any]
) -> Path:
    """Write to a temporary sibling, then rename: a crash never leaves half a model."""
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        if isinstance(classifier, TfidfLogReg):
            classifier.save(staging)
        else:
            classifier.model.save_pretrained(staging, safe_serialization=True)
            tokenizer.save_pretrained(staging)
        (staging / RECORD_FILE).write_text(json.dumps(record, indent=1, default=str), "utf-8")
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return directory


def load_finetuned(
    directory: Path, *, max_length: int, batch_size: int
) -> tuple[Any, dict[str, Any], ResolvedWeights]:
    """A saved classifier (TF-IDF or transformer) and its record ({} for a foreign dir)."""
    from models_registry.weights import weights_format

    directory = Path(directory)
    record_path = directory / RECORD_FILE
    record = json.loads(record_path.read_text("utf-8")) if record_path.is_file() else {}
    if TfidfLogReg.is_saved_in(directory):
        return (TfidfLogReg.load(directory), record,
                ResolvedWeights("local-dir", str(directory), "safetensors"))
    fmt = weights_format(directory)
    if fmt is None:
        raise WeightsNotFoundError(
            f"{directory} holds no fine-tuned model (no model.safetensors or TF-IDF files)"
        )
    from models_registry.loading import load_classifier

    meta = ModelMeta.from_local_dir(directory)
    weights = ResolvedWeights("local-dir", str(directory.resolve()), fmt)
    model = load_classifier(meta, weights, num_labels=None)
    classifier = TransformerClassifier(
        model, load_tokenizer(directory), max_length=max_length, batch_size=batch_size
    )
    return classifier, record, weights


def head_label_names(model: Any) -> list[str]:
    """The checkpoint's output names in index order, lower-cased."""
    id2label = model.config.id2label
    return [str(id2label[i]).strip().lower() for i in range(len(id2label))]
