"""Build a model for a job from its declaration and resolved weights, one code path for all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from models_registry.meta import ModelMeta
from models_registry.weights import ResolvedWeights, load_config_for

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def load_classifier(
    meta: ModelMeta,
    weights: ResolvedWeights,
    *,
    attn_implementation: str = "sdpa",
    num_labels: int = 2,
    seed: int = 0,
) -> PreTrainedModel:
    """A sequence classifier in eval mode; random-init weights are seeded for repeatability."""
    import torch
    from transformers import AutoModelForSequenceClassification

    if weights.source == "random-init":
        torch.manual_seed(seed)
        config = meta.build_config(num_labels=num_labels)
        model = AutoModelForSequenceClassification.from_config(
            config, attn_implementation=attn_implementation
        )
    else:
        meta = load_config_for(meta, weights)
        model = AutoModelForSequenceClassification.from_pretrained(
            weights.path,
            num_labels=num_labels,
            use_safetensors=weights.format == "safetensors",
            weights_only=True,
            trust_remote_code=False,
            attn_implementation=attn_implementation,
        )
    return model.eval()


def attention_implementation(model: PreTrainedModel) -> str:
    """The attention kernel the model really uses (transformers may fall back from sdpa)."""
    return str(getattr(model.config, "_attn_implementation", "unknown"))
