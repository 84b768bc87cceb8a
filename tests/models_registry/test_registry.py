from __future__ import annotations

import json

import pytest

from models_registry import UnknownModelError, all_models, get_model, resolve_model_spec
from models_registry.meta import ModelMeta

PUBLISHED_COUNTS = {
    "mobilebert": ("google/mobilebert-uncased", 24_582_914),
    "distilbert": ("distilbert-base-uncased", 66_955_010),
    "tinybert": ("huawei-noah/TinyBERT_General_4L_312D", 14_350_874),
    "bert-base": ("bert-base-uncased", 109_483_778),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PUBLISHED_COUNTS))
def test_offline_build_matches_published_parameter_count(name):
    from transformers import AutoModelForSequenceClassification

    meta = get_model(name)
    hub_id, published = PUBLISHED_COUNTS[name]
    assert meta.hub_id == hub_id
    assert meta.n_parameters == published
    model = AutoModelForSequenceClassification.from_config(meta.build_config(num_labels=2))
    assert sum(p.numel() for p in model.parameters()) == published


def test_mobilebert_declaration_carries_hub_values_not_class_defaults():
    from transformers import MobileBertConfig

    declared = get_model("mobilebert").build_config()
    assert MobileBertConfig().classifier_activation is True  # the default that would be wrong
    assert declared.classifier_activation is False
    assert declared.normalization_type == "no_norm" and declared.hidden_act == "relu"


def test_every_declaration_is_complete():
    models = all_models()
    assert set(PUBLISHED_COUNTS) <= set(models)
    for meta in models.values():
        assert meta.family and meta.config and meta.license
        assert len(meta.config_sha256) == 64
        if meta.framework == "transformers":  # the TF-IDF baseline has no hub id or fixed size
            assert meta.hub_id and meta.n_parameters and meta.n_parameters > 0
    assert get_model("mobilebert").mnli_checkpoint == "typeform/mobilebert-uncased-mnli"
    assert get_model("tinybert").mnli_checkpoint is None


def test_specs_resolve_by_name_hub_id_and_directory(tmp_path):
    assert resolve_model_spec("tinybert").name == "tinybert"
    # a declared hub id keeps its exact declaration
    assert resolve_model_spec("hf:bert-base-uncased") is get_model("bert-base")
    adhoc = resolve_model_spec("hf:someone/encoder@abc123")
    assert (adhoc.hub_id, adhoc.revision, adhoc.config) == ("someone/encoder", "abc123", {})

    (tmp_path / "config.json").write_text(
        json.dumps({"model_type": "bert", "hidden_size": 32, "architectures": ["X"]})
    )
    local = resolve_model_spec(str(tmp_path))
    assert local.family == "bert" and local.local_dir == str(tmp_path.resolve())
    assert "architectures" not in local.config and local.config["hidden_size"] == 32


def test_unknown_names_fail_with_the_list_of_models():
    with pytest.raises(UnknownModelError) as err:
        resolve_model_spec("no-such-model")
    message = str(err.value)
    assert "no-such-model" in message and "mobilebert" in message and "hf:" in message


def test_local_dir_without_config_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"config\.json"):
        ModelMeta.from_local_dir(tmp_path)


def test_meta_round_trips_through_dict():
    meta = get_model("distilbert")
    assert ModelMeta.from_dict(json.loads(json.dumps(meta.to_dict()))) == meta


def test_ad_hoc_models_never_take_a_declared_name(tmp_path):
    import json

    from models_registry import DECLARED_NAME, all_models

    local = tmp_path / "bert-base"  # a 0.14 M-parameter model in a folder named bert-base
    local.mkdir()
    (local / "config.json").write_text(json.dumps({"model_type": "bert", "hidden_size": 8}))
    meta = resolve_model_spec(str(local))
    assert meta.name == "local:bert-base" and meta.name not in all_models()
    assert resolve_model_spec("hf:bert-base").name == "hf:bert-base"
    assert resolve_model_spec("bert-base") is all_models()["bert-base"]
    assert all(DECLARED_NAME.fullmatch(name) for name in all_models())
