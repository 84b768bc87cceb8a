from __future__ import annotations

import pytest

from harness.flops import forward_flops
from models_registry import get_model
from models_registry.loading import load_classifier
from models_registry.meta import ModelMeta
from models_registry.weights import resolve_weights


def bert_flops(layers: int, hidden: int, inter: int, seq: int, labels: int = 2) -> int:
    """2 × MACs: Q,K,V,O and FFN projections, QK^T and AV, pooler on one token, classifier."""
    per_layer = 8 * seq * hidden**2 + 4 * seq * hidden * inter + 4 * seq**2 * hidden
    return layers * per_layer + 2 * hidden**2 + 2 * hidden * labels


def test_tiny_bert_flops_equal_the_analytic_count(tiny_bert_dir):
    meta = ModelMeta.from_local_dir(tiny_bert_dir)
    model = load_classifier(
        meta, resolve_weights(meta, allow_random_init=False), attn_implementation="eager"
    )
    assert forward_flops(model, 1, 16) == bert_flops(2, 32, 48, 16)
    assert forward_flops(model, 1, 32) == bert_flops(2, 32, 48, 32)


@pytest.mark.slow
def test_bert_base_flops_match_the_paper_figure():
    meta = get_model("bert-base")
    model = load_classifier(
        meta,
        resolve_weights(meta, allow_random_init=True, force_random_init=True),
        attn_implementation="eager",
    )
    flops = forward_flops(model, 1, 128)
    assert flops == bert_flops(12, 768, 3072, 128)
    assert flops / 1e9 == pytest.approx(22.5, rel=0.02)  # MobileBERT paper, Table 2
