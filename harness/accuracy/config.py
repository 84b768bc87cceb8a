"""Settings shared by the accuracy suites: seeds, evaluation, and the CPU training budget."""

from __future__ import annotations

from dataclasses import dataclass

from harness.suite import SuiteConfig


@dataclass(frozen=True, kw_only=True)
class AccuracyConfig(SuiteConfig):
    seed: int = 42
    eval_batch_size: int = 32
    n_bootstrap: int = 1000
    # CPU budget: None keeps the model's declared value / the whole split. All recorded.
    max_train_samples: int | None = None
    max_eval_samples: int | None = None
    max_length: int | None = None
    epochs: float | None = None
    learning_rate: float | None = None
    batch_size: int | None = None
    finetuned_dir: str = "results/finetuned"
    # With real weights: re-score the evaluation sets through these backends (--backends).
    compare_backends: tuple[str, ...] = ()

    def hparam_overrides(self) -> dict:
        return {"max_length": self.max_length, "epochs": self.epochs,
                "learning_rate": self.learning_rate, "batch_size": self.batch_size}

    def check_budget(self, n_classes: int, data: str) -> None:
        """Samples too small to hold every class stop the run before any work."""
        from harness.data.dataset import MIN_SAMPLE_PER_CLASS
        from harness.data.errors import DataError

        minimum = MIN_SAMPLE_PER_CLASS * n_classes
        for flag, value in (("--max-train-samples", self.max_train_samples),
                            ("--max-eval-samples", self.max_eval_samples)):
            if value is not None and value < minimum:
                raise DataError(
                    f"{flag} {value} is too small for {data}: a sample needs "
                    f"{MIN_SAMPLE_PER_CLASS} rows of each of its {n_classes} classes; use at "
                    f"least {minimum}")

    def budget(self) -> dict:
        return {"max_train_samples": self.max_train_samples,
                "max_eval_samples": self.max_eval_samples, **self.hparam_overrides()}
