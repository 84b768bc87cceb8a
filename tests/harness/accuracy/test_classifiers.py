"""TF-IDF baseline round trip (no pickle) and the test tokenizer's vocabulary."""

from __future__ import annotations

import random

import numpy as np

from harness.accuracy.classifiers import TFIDF_FILES, TfidfLogReg
from models_registry import get_model
from tests.accuracy_data import VOCAB, news_text


def test_tfidf_round_trip_through_safetensors(tmp_path):
    rng = random.Random(0)
    labels = [i % 2 for i in range(300)]
    texts = [news_text("fake" if y else "real", rng) for y in labels]
    model = TfidfLogReg(get_model("tfidf-logreg").config, ("real", "fake")).fit(texts, labels)
    model.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(TFIDF_FILES)
    loaded = TfidfLogReg.load(tmp_path)
    held_out = [news_text("fake", rng), news_text("real", rng)]
    assert np.allclose(loaded.predict_proba(held_out), model.predict_proba(held_out))
    assert list(loaded.predict_proba(held_out).argmax(1)) == [1, 0]


def test_tokenizer_knows_the_vocab(tiny_classifier_dirs):
    from transformers import AutoTokenizer

    for directory in tiny_classifier_dirs.values():
        tokenizer = AutoTokenizer.from_pretrained(directory)
        ids = tokenizer(" ".join(VOCAB[5:]))["input_ids"]
        assert tokenizer.unk_token_id not in ids
