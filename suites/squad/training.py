"""Fine-tune a span-extraction head here, for models with no public SQuAD checkpoint
(TinyBERT): the standard recipe (AdamW, linear decay, cross-entropy on start and end token)
over the training file's windows. A plain loop, not the Trainer: a QA batch needs the two
position labels and nothing else, and the loop stays seeded and visible.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from harness.accuracy.training import FinetuneHParams
from harness.data.squad import QAExample
from harness.qa.processing import (
    Windowing,
    accepts_token_types,
    batch_inputs,
    training_windows,
)


def finetune_qa(model: Any, tokenizer: Any, train: list[QAExample], hp: FinetuneHParams,
                w: Windowing, progress: Callable[[str], None]) -> dict[str, Any]:
    """Train ``model`` in place; return the training record (loss per epoch, steps, time)."""
    import torch
    from transformers import get_linear_schedule_with_warmup

    torch.manual_seed(hp.seed)
    rng = random.Random(hp.seed)
    labelled = training_windows(train, tokenizer, w)
    token_types = accepts_token_types(model)
    epochs = max(1, round(hp.epochs))
    steps = epochs * -(-len(labelled) // hp.batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=hp.learning_rate,
                                  weight_decay=hp.weight_decay)
    schedule = get_linear_schedule_with_warmup(optimizer, int(hp.warmup_ratio * steps), steps)
    model.train()
    history, t0 = [], time.perf_counter()
    for epoch in range(epochs):
        order = list(range(len(labelled)))
        rng.shuffle(order)
        total = 0.0
        for b in range(0, len(order), hp.batch_size):
            chunk = [labelled[i] for i in order[b:b + hp.batch_size]]
            inputs = batch_inputs([c[0] for c in chunk], tokenizer, token_types)
            out = model(**inputs, start_positions=torch.tensor([c[1] for c in chunk]),
                        end_positions=torch.tensor([c[2] for c in chunk]))
            out.loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total += float(out.loss) * len(chunk)
        history.append({"epoch": epoch + 1, "loss": round(total / len(labelled), 4)})
        progress(f"epoch {epoch + 1}/{epochs}: loss {history[-1]['loss']}")
    model.eval()
    return {"train_questions": len(train), "train_windows": len(labelled), "steps": steps,
            "epochs": epochs, "history": history, "hparams": hp.to_dict(),
            "train_s": round(time.perf_counter() - t0, 1),
            "protocol": "plain fine-tune of the general model on the given SQuAD train file "
                        "(no distillation, no data augmentation)"}
