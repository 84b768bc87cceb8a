"""Fine-tuning with the Hugging Face Trainer: best epoch by validation F1, early stopping.

Hyper-parameters are declared per model in the registry (``ModelMeta.finetune``); the CPU
budget knobs (train-sample cap, max length, epochs) override them and are recorded.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from harness.data.dataset import LabelledTexts

DEFAULT_HPARAMS = {
    "learning_rate": 5e-5, "epochs": 3, "batch_size": 16, "grad_accum": 1,
    "weight_decay": 0.01, "max_length": 512, "patience": 2, "warmup_ratio": 0.0, "fp16": False,
}


@dataclass(frozen=True)
class FinetuneHParams:
    learning_rate: float
    epochs: float
    batch_size: int
    grad_accum: int
    weight_decay: float
    max_length: int
    patience: int
    warmup_ratio: float
    fp16: bool
    seed: int = 42

    @classmethod
    def resolve(cls, declared: dict[str, Any], overrides: dict[str, Any], seed: int):
        """Registry values over defaults, then the run's budget overrides (None = keep)."""
        values = {**DEFAULT_HPARAMS, **declared}
        values.update({k: v for k, v in overrides.items() if v is not None and k in values})
        return cls(**values, seed=seed)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _to_dataset(split: LabelledTexts, tokenizer: Any, max_length: int):
    import datasets

    data = {"text": list(split.texts), "label": list(split.labels)}
    if split.pairs:
        data["pair"] = list(split.pairs)

    def tokenize(batch):
        return tokenizer(batch["text"], batch.get("pair"), truncation=True, max_length=max_length)

    dataset = datasets.Dataset.from_dict(data)
    return dataset.map(tokenize, batched=True, remove_columns=list(data.keys() - {"label"}))


def _warmup(arguments_type: Any, ratio: float) -> dict[str, Any]:
    """transformers 5 takes a ratio as a float ``warmup_steps``; 4.x had ``warmup_ratio``."""
    import dataclasses

    names = {f.name for f in dataclasses.fields(arguments_type)}
    return {"warmup_ratio": ratio} if "warmup_ratio" in names else {"warmup_steps": float(ratio)}


def finetune(
    model: Any,
    tokenizer: Any,
    train: LabelledTexts,
    validation: LabelledTexts,
    hp: FinetuneHParams,
    work_dir: Path,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    """Train in place (the best checkpoint is loaded back at the end); return the history."""
    import numpy as np
    from sklearn.metrics import accuracy_score, f1_score
    from transformers import (
        DataCollatorWithPadding,
        EarlyStoppingCallback,
        Trainer,
        TrainerCallback,
        TrainingArguments,
        set_seed,
    )

    set_seed(hp.seed)

    class Report(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs:
                shown = {k: round(v, 4) for k, v in logs.items() if isinstance(v, float)}
                progress(f"epoch {state.epoch or 0:.2f} step {state.global_step}/{state.max_steps} "
                         f"{shown}")

    def compute_metrics(prediction) -> dict[str, float]:
        predicted = np.argmax(prediction.predictions, axis=-1)
        return {
            "accuracy": accuracy_score(prediction.label_ids, predicted),
            "f1": f1_score(prediction.label_ids, predicted, average="weighted"),
        }

    args = TrainingArguments(
        output_dir=str(work_dir),
        learning_rate=hp.learning_rate,
        num_train_epochs=hp.epochs,
        per_device_train_batch_size=hp.batch_size,
        per_device_eval_batch_size=hp.batch_size * 2,
        gradient_accumulation_steps=hp.grad_accum,
        weight_decay=hp.weight_decay,
        **_warmup(TrainingArguments, hp.warmup_ratio),
        fp16=hp.fp16,
        eval_strategy="epoch",
        save_strategy="epoch",
        logging_strategy="epoch",
        load_best_model_at_end=True,
        metric_for_best_model="f1",
        greater_is_better=True,
        save_total_limit=2,
        seed=hp.seed,
        data_seed=hp.seed,
        report_to="none",
        disable_tqdm=True,
        dataloader_num_workers=0,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=_to_dataset(train, tokenizer, hp.max_length),
        eval_dataset=_to_dataset(validation, tokenizer, hp.max_length),
        processing_class=tokenizer,
        data_collator=DataCollatorWithPadding(tokenizer),
        compute_metrics=compute_metrics,
        callbacks=[EarlyStoppingCallback(early_stopping_patience=hp.patience), Report()],
    )
    started = time.monotonic()
    trainer.train()
    evals = [e for e in trainer.state.log_history if "eval_f1" in e]
    best = max(evals, key=lambda e: e["eval_f1"]) if evals else {}
    return {
        "train_seconds": round(time.monotonic() - started, 1),
        "steps": trainer.state.global_step,
        "epochs_run": trainer.state.epoch,
        "best_epoch": best.get("epoch"),
        "best_validation_f1": best.get("eval_f1"),
        "best_validation_accuracy": best.get("eval_accuracy"),
        "history": [
            {k: v for k, v in e.items() if k in {"epoch", "loss", "eval_loss", "eval_f1",
                                                  "eval_accuracy"}}
            for e in trainer.state.log_history
        ],
        "device": str(next(model.parameters()).device),
    }


def finetune_pretrained(
    meta: Any,
    label_names: tuple[str, ...],
    train: LabelledTexts,
    validation: LabelledTexts,
    hp: FinetuneHParams,
    scratch_root: str | Path,
    progress: Callable[[str], None],
) -> tuple[Any, Any, Any, dict[str, Any]]:
    """Pretrained weights with a fresh head for ``label_names``, fine-tuned; checkpoints go to
    a scratch directory under ``scratch_root`` that is removed afterwards.
    Returns (model, tokenizer, weights, training record with the hyper-parameters)."""
    from harness.accuracy.models import load_base

    model, tokenizer, weights = load_base(meta, label_names, hp.seed)
    progress(f"{meta.name}: fine-tuning on {len(train)} rows")
    Path(scratch_root).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".trainer-", dir=scratch_root) as work:
        training = finetune(model, tokenizer, train, validation, hp, Path(work), progress)
    training["hparams"] = hp.to_dict()
    return model.eval(), tokenizer, weights, training
