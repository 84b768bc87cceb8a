"""A model is a declaration: everything needed to name, build and cite it, and nothing else."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# Fields added after results were first stored, in the order they came.
ADDED_LATER = ("squad_checkpoints",)


@dataclass(frozen=True)
class ModelMeta:
    """One registry entry.

    ``config`` carries the hub's ``config.json`` architecture values verbatim, because
    transformers' config-class defaults differ from some hub configs (MobileBERT's
    ``classifier_activation`` is one) and a wrong default silently changes the cost measured.
    """

    name: str
    hub_id: str | None
    family: str  # transformers model_type: "bert", "distilbert", "mobilebert", ...
    config: dict[str, Any] = field(default_factory=dict)
    n_parameters: int | None = None  # published count, with a 2-label classification head
    license: str | None = None
    revision: str | None = None
    mnli_checkpoint: str | None = None
    paper: str | None = None  # arXiv id
    description: str = ""
    local_dir: str | None = None  # set for ad-hoc local-directory models
    # "transformers", or "sklearn" for the TF-IDF baseline (config holds its settings).
    framework: str = "transformers"
    # Fine-tuning hyper-parameters (harness.accuracy.training.DEFAULT_HPARAMS keys).
    finetune: dict[str, Any] = field(default_factory=dict)
    # The MNLI checkpoint's output order by GLUE label name, checked against its id2label.
    mnli_label_order: tuple[str, ...] | None = None
    # An installed Python package that ships the weights (a `model/` folder inside it).
    package: str | None = None
    # SQuAD-fine-tuned checkpoints on the hub by SQuAD version ("1.1", "2.0"); each id, its
    # config and its span head (qa_outputs: hidden -> 2) checked against the hub's files.
    squad_checkpoints: dict[str, str] = field(default_factory=dict)

    @property
    def config_sha256(self) -> str:
        """Content hash of the declared architecture: part of every job key."""
        blob = json.dumps({"family": self.family, "config": self.config}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def build_config(self, num_labels: int = 2):
        """The transformers config for this architecture, offline, with a classification head."""
        from transformers import AutoConfig

        if not self.config:
            raise ValueError(
                f"model {self.name!r} declares no architecture config, so it cannot be built "
                "offline; give a local directory with config.json or a registry declaration"
            )
        values = {k: v for k, v in self.config.items() if k != "model_type"}
        return AutoConfig.for_model(self.family, num_labels=num_labels, **values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def identity(self) -> dict[str, Any]:
        """What every hash of a model reads (job keys, shard assignment, a fine-tuned model's
        folder): every field, except one declared in :data:`ADDED_LATER` while it is empty,
        so that declaring a new optional field never re-keys the results stored before it."""
        return {k: v for k, v in self.to_dict().items() if k not in ADDED_LATER or v}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelMeta:
        values = dict(data)
        if values.get("mnli_label_order") is not None:
            values["mnli_label_order"] = tuple(values["mnli_label_order"])
        return cls(**values)

    def checkpoint_for_mnli(self) -> ModelMeta | None:
        """The declared MNLI fine-tuned checkpoint, as a model to resolve weights for."""
        if not self.mnli_checkpoint:
            return None
        return ModelMeta(
            name=f"{self.name}-mnli", hub_id=self.mnli_checkpoint, family=self.family,
            config=self.config, description=f"MNLI checkpoint of {self.name}",
        )

    def checkpoint_for_squad(self, version: str) -> ModelMeta | None:
        """The declared SQuAD ``version`` checkpoint, as a model to resolve weights for."""
        hub_id = self.squad_checkpoints.get(version)
        if not hub_id:
            return None
        return ModelMeta(
            name=f"{self.name}-squad-v{version}", hub_id=hub_id, family=self.family,
            config=self.config, description=f"SQuAD v{version} checkpoint of {self.name}",
        )

    @classmethod
    def from_local_dir(cls, path: str | Path) -> ModelMeta:
        """An ad-hoc model from a directory holding ``config.json`` (and weights)."""
        directory = Path(path).resolve()
        config_file = directory / "config.json"
        if not config_file.is_file():
            raise FileNotFoundError(
                f"{config_file} not found: a local model directory needs config.json "
                "(write one with model.save_pretrained(DIR))"
            )
        try:
            config = json.loads(config_file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(
                f"{config_file} is not valid JSON ({exc}); re-save the model with "
                "model.save_pretrained(DIR), or fix the file"
            ) from None
        if not isinstance(config, dict):
            raise ValueError(f"{config_file} must hold a JSON object (a transformers config), "
                             f"not {type(config).__name__}")
        family = config.get("model_type")
        if not family:
            raise ValueError(f"{config_file} has no 'model_type'; cannot tell the architecture")
        return cls(
            name=f"local:{directory.name}",  # never a declared name (see DECLARED_NAME)
            hub_id=None,
            family=family,
            config=_architecture_only(config),
            local_dir=str(directory),
            description=f"local directory {directory}",
        )


# Keys in a saved config.json that describe a checkpoint or a head, not the architecture.
_NON_ARCHITECTURE_KEYS = {
    "architectures", "transformers_version", "_name_or_path", "id2label", "label2id",
    "torch_dtype", "dtype", "problem_type", "num_labels", "_attn_implementation_autoset",
    "output_attentions", "output_hidden_states", "return_dict", "use_cache",
}


def _architecture_only(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k not in _NON_ARCHITECTURE_KEYS}
