"""The TF-IDF baseline as a latency target: a saved fit, or a seeded fit on synthetic text."""

from __future__ import annotations

from typing import Any

from harness.suite import EfficiencyConfig
from models_registry.meta import ModelMeta
from models_registry.weights import ResolvedWeights

SYNTHETIC_DOCS, SYNTHETIC_DOC_WORDS = 5000, 150


def fitted_baseline(meta: ModelMeta, config: EfficiencyConfig) -> tuple[Any, ResolvedWeights]:
    """Cost depends on the vocabulary size, not on the words in it: a synthetic corpus that
    fills all ``max_features`` columns gives the same cost as a real fit (``random-init``)."""
    from pathlib import Path

    from harness.accuracy.classifiers import TfidfLogReg
    from harness.data.news import NEWS_LABELS
    from harness.inputs import synthetic_texts

    if meta.local_dir and config.weights != "random-init" and TfidfLogReg.is_saved_in(
        Path(meta.local_dir)
    ):
        return TfidfLogReg.load(Path(meta.local_dir)), ResolvedWeights(
            "local-dir", meta.local_dir, "safetensors"
        )
    texts = synthetic_texts(SYNTHETIC_DOCS, SYNTHETIC_DOC_WORDS, config.seed)
    labels = [i % 2 for i in range(len(texts))]
    classifier = TfidfLogReg({**meta.config, "seed": config.seed}, NEWS_LABELS).fit(texts, labels)
    return classifier, ResolvedWeights("random-init")
