"""MNLI proxy: labels mapped by name (never by index), declared orders checked, and a model
without a checkpoint fine-tuned here."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from harness.data.errors import DataError
from models_registry import resolve_model_spec
from suites.mnli_proxy import MnliProxySuite
from suites.mnli_proxy.labels import output_order, to_glue_order
from tests.accuracy_data import write_mnli_dir, write_tokenizer


def test_output_order_from_names_and_from_declaration():
    order, how = output_order(["contradiction", "entailment", "neutral"], None, "x")
    assert order == [2, 0, 1] and how["decided_by"] == "config id2label"
    probs = np.array([[0.7, 0.2, 0.1]])  # the checkpoint says contradiction
    assert to_glue_order(probs, order).argmax(1).tolist() == [2]
    order, how = output_order(["label_0", "label_1", "label_2"],
                              ("contradiction", "entailment", "neutral"), "x")
    assert order == [2, 0, 1] and how["decided_by"].startswith("declaration")


def test_output_order_refuses_to_guess():
    with pytest.raises(DataError, match="no output order is declared"):
        output_order(["label_0", "label_1", "label_2"], None, "ckpt")
    with pytest.raises(DataError, match="disagrees with the config's id2label"):
        output_order(["entailment", "neutral", "contradiction"],
                     ("contradiction", "entailment", "neutral"), "ckpt")
    with pytest.raises(DataError, match="MNLI needs 3"):
        output_order(["real", "fake"], None, "ckpt")


@pytest.fixture(scope="module")
def mnli_dir(tmp_path_factory):
    return write_mnli_dir(tmp_path_factory.mktemp("mnli"), 90)


def _config(root, mnli_dir, **extra):
    config = MnliProxySuite().preset("quick", threads=1)
    return replace(config, mnli=str(mnli_dir), samples_per_split=60, n_bootstrap=200,
                   finetuned_dir=str(root), **extra)


def test_fine_tunes_a_model_without_checkpoint_then_remapped_copy_scores_the_same(
    tmp_path, mnli_dir, tiny_classifier_dirs
):
    suite = MnliProxySuite()
    config = _config(tmp_path, mnli_dir, train_file=str(mnli_dir / "train.tsv"),
                     learning_rate=2e-3, epochs=10)
    meta = resolve_model_spec(str(tiny_classifier_dirs["bert"]))
    out = suite.run(meta, config, lambda _: None).metrics
    assert out["checkpoint_origin"] == "fine-tuned-here"
    matched = out["splits"]["validation_matched"]
    assert matched["n"] == 60 and matched["accuracy"] > 0.9
    assert "plain fine-tune" in out["training"]["protocol"]


def test_permuted_head_is_mapped_by_name(tmp_path, mnli_dir, tiny_classifier_dirs):
    """A checkpoint whose outputs are (contradiction, entailment, neutral), like TextAttack's
    BERT-base: the same weights with id2label permuted must give the same accuracy."""
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification

    torch.manual_seed(0)
    names = ("contradiction", "entailment", "neutral")
    cfg = AutoConfig.from_pretrained(tiny_classifier_dirs["bert"], num_labels=3,
                                     id2label=dict(enumerate(names)),
                                     label2id={n: i for i, n in enumerate(names)})
    model = AutoModelForSequenceClassification.from_config(cfg)
    named = tmp_path / "named"
    model.save_pretrained(named)
    write_tokenizer("bert", named)
    generic = tmp_path / "generic"
    model.config.id2label = {i: f"LABEL_{i}" for i in range(3)}
    model.config.label2id = {f"LABEL_{i}": i for i in range(3)}
    model.save_pretrained(generic)
    write_tokenizer("bert", generic)

    suite = MnliProxySuite()
    by_name = suite.run(resolve_model_spec(str(named)), _config(tmp_path, mnli_dir),
                        lambda _: None).metrics
    assert by_name["label_mapping"]["output_order"] == list(names)
    with pytest.raises(DataError, match="no output order is declared"):
        suite.run(resolve_model_spec(str(generic)), _config(tmp_path, mnli_dir), lambda _: None)
    declared = suite.run(resolve_model_spec(str(generic)),
                         _config(tmp_path, mnli_dir, label_order=names), lambda _: None).metrics
    for split in ("validation_matched", "validation_mismatched"):
        assert declared["splits"][split]["predictions"] == by_name["splits"][split]["predictions"]
    assert declared["label_mapping"]["decided_by"].startswith("declaration")
