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
    num_labels: int | None = 2,
    seed: int = 0,
    label_names: tuple[str, ...] | None = None,
) -> PreTrainedModel:
    """A sequence classifier in eval mode; random-init weights are seeded for repeatability.

    With ``label_names`` the head is (re)built for those labels: a base checkpoint, or one
    fine-tuned for another task, gets a fresh, seeded head of the right size. With
    ``num_labels=None`` a fine-tuned checkpoint keeps its own head and label names.
    """
    import torch
    from transformers import AutoModelForSequenceClassification

    labels: dict = {} if num_labels is None else {"num_labels": num_labels}
    if label_names is not None:
        num_labels = len(label_names)
        labels = {"num_labels": num_labels, "id2label": dict(enumerate(label_names)),
                  "label2id": {n: i for i, n in enumerate(label_names)},
                  "ignore_mismatched_sizes": True}
    torch.manual_seed(seed)
    if weights.source == "random-init":
        config = meta.build_config(num_labels=num_labels or 2)
        model = AutoModelForSequenceClassification.from_config(
            config, attn_implementation=attn_implementation
        )
    else:
        meta = load_config_for(meta, weights)
        model = AutoModelForSequenceClassification.from_pretrained(
            weights.path,
            use_safetensors=weights.format == "safetensors",
            weights_only=True,
            trust_remote_code=False,
            attn_implementation=attn_implementation,
            **labels,
        )
    return model.eval()


def load_question_answering(meta: ModelMeta, weights: ResolvedWeights, *, seed: int = 0,
                            attn_implementation: str = "sdpa") -> PreTrainedModel:
    """A span-extraction (SQuAD) model in eval mode. A base checkpoint gets a fresh, seeded
    span head (to fine-tune); random init is refused: its answers would mean nothing."""
    import torch
    from transformers import AutoModelForQuestionAnswering

    if weights.source == "random-init":
        raise ValueError(f"{meta.name}: question answering needs trained weights, not "
                         "random-init")
    torch.manual_seed(seed)
    return AutoModelForQuestionAnswering.from_pretrained(
        weights.path,
        use_safetensors=weights.format == "safetensors",
        weights_only=True,
        trust_remote_code=False,
        attn_implementation=attn_implementation,
    ).eval()


def attention_implementation(model: PreTrainedModel) -> str:
    """The attention kernel the model really uses (transformers may fall back from sdpa)."""
    return str(getattr(model.config, "_attn_implementation", "unknown"))
