"""Model registry: declarations in ``models_registry/models/`` plus ad-hoc ``hf:<id>`` and dirs."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache
from pathlib import Path

from models_registry import models as _models_pkg
from models_registry.meta import ModelMeta

__all__ = ["ModelMeta", "UnknownModelError", "all_models", "get_model", "resolve_model_spec"]

REFERENCE_MODEL = "bert-base"  # every speed-up in the leaderboard is relative to it
# Ad-hoc models are named "hf:<hub-id>" and "local:<directory name>": a declared name has no
# colon, so a local directory called bert-base can never stand in for the registry's
# bert-base (as a ratio's reference or a claim's evidence).
DECLARED_NAME = re.compile(r"[a-z0-9][a-z0-9.-]*")


class UnknownModelError(KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; this one reads as a sentence
        return str(self.args[0])


@cache
def all_models() -> dict[str, ModelMeta]:
    """Every declared model, by name, ordered by declaration module name."""
    found: dict[str, ModelMeta] = {}
    for info in sorted(pkgutil.iter_modules(_models_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{_models_pkg.__name__}.{info.name}")
        meta = getattr(module, "MODEL", None)
        if not isinstance(meta, ModelMeta):
            raise TypeError(f"{module.__file__} must define MODEL = ModelMeta(...)")
        if not DECLARED_NAME.fullmatch(meta.name):
            raise ValueError(f"{module.__file__}: model name {meta.name!r} must be lower-case "
                             "letters, digits, '.' or '-' (ad-hoc models own 'hf:'/'local:')")
        if meta.name in found:
            raise ValueError(f"model name {meta.name!r} is declared twice")
        found[meta.name] = meta
    return found


def get_model(name: str) -> ModelMeta:
    models = all_models()
    if name not in models:
        raise UnknownModelError(
            f"unknown model {name!r}; declared: {', '.join(models)}. "
            "Use hf:<hub-id> for an ad-hoc hub model or a path to a local model directory."
        )
    return models[name]


def resolve_model_spec(spec: str) -> ModelMeta:
    """A registry name, ``hf:<hub-id>[@revision]``, or a local directory with config.json."""
    if spec.startswith("hf:"):
        hub_id, _, revision = spec[3:].partition("@")
        for meta in all_models().values():
            if meta.hub_id == hub_id:  # a declared model keeps its exact config
                return meta
        return ModelMeta(
            name=f"hf:{hub_id}",
            hub_id=hub_id,
            family="",  # read from the resolved config.json
            revision=revision or None,
            description=f"ad-hoc hub model {hub_id}",
        )
    if spec in all_models():
        return all_models()[spec]
    if Path(spec).is_dir():
        return ModelMeta.from_local_dir(spec)
    return get_model(spec)  # raises with the list of names
