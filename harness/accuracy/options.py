"""The accuracy suites' ``bench run`` options: where their data is, and the CPU budget.

Several suites read the same data (the padding suite tokenizes MNLI and the news set; the
external suite trains on the in-domain news set), so each option is declared once here and
listed by every suite that reads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.options import Option, Values, absolute, names, positive_float, positive_int

DATA = "accuracy suites: data"
BUDGET = "accuracy suites: CPU budget (all recorded)"

MNLI = Option("--mnli", "directory with MNLI validation_matched/_mismatched files "
              "(.tsv/.jsonl/.csv/.parquet); default: GLUE on the hub", DATA)
MNLI_OPTIONS = (
    MNLI,
    Option("--mnli-train", "MNLI train file, to fine-tune models that have no MNLI "
           "checkpoint (TinyBERT)", DATA),
    Option("--mnli-samples", "rows per validation set (default 1000; --full uses all)", DATA,
           {"type": positive_int}),
    Option("--mnli-label-order", "output order of a local MNLI checkpoint whose id2label is "
           "generic, e.g. contradiction,entailment,neutral", DATA),
)
WELFAKE_OPTIONS = (
    Option("--welfake", "WELFake_Dataset.csv (or any news file with the column options); "
           "default: the hub copy", DATA),
    Option("--text-columns", "WELFake text columns (title text)", DATA, {"nargs": "+"}),
    Option("--label-column", "WELFake label column (label)", DATA),
    Option("--label-map", "raw label values to real/fake (1=fake,0=real)", DATA),
)
EXTERNAL_OPTIONS = (
    Option("--external", "external news files (CSV etc.)", DATA, {"nargs": "+"}),
    Option("--external-text-columns", "text columns of the external files (as "
           "--text-columns)", DATA, {"nargs": "+"}),
    Option("--external-label-column", "label column of the external files", DATA),
    Option("--external-label-map", "raw label values of the external files to real/fake",
           DATA),
    Option("--external-label", "one label for every row of an external file: real|fake for "
           "every file, or FILE=real|fake for the file named FILE (its name without suffix), "
           "so a labelled and a real-only set run together", DATA, {"nargs": "+"}),
    Option("--external-drop-blank", "drop external rows with empty text instead of failing",
           DATA, {"action": "store_true"}),
)
BUDGET_OPTIONS = (
    Option("--max-train-samples", "fine-tune on at most this many rows (default: the whole "
           "train split)", BUDGET, {"type": positive_int}),
    Option("--max-eval-samples", "evaluate on at most this many rows per set", BUDGET,
           {"type": positive_int}),
    Option("--max-length", "tokens per example (default: the model's recipe)", BUDGET,
           {"type": positive_int}),
    Option("--epochs", "fine-tuning epochs (default: the model's recipe)", BUDGET,
           {"type": positive_float}),
    Option("--learning-rate", "fine-tuning learning rate (default: the model's recipe)",
           BUDGET, {"type": positive_float}),
    Option("--train-batch-size", "fine-tuning batch size (default: the model's recipe)",
           BUDGET, {"type": positive_int}),
)


def _news_source(name: str, path: str | None, text_columns: list[str] | None,
                 label_column: str | None, label_map: str | None, fixed_label: str | None,
                 on_blank: str, role: str) -> dict:
    from harness.data.news import NewsSource, parse_label_map

    values: dict = {"name": name, "path": absolute(path), "on_blank": on_blank, "role": role}
    if text_columns:
        values["text_columns"] = tuple(names(text_columns))
    if label_column:
        values["label_column"] = label_column
    if label_map:
        values["label_map"] = parse_label_map(label_map)
    if fixed_label:
        values["fixed_label"] = fixed_label
    return NewsSource(**values).to_dict()


def welfake_overrides(values: Values) -> dict[str, Any]:
    """The in-domain news set (``data``)."""
    return {"data": _news_source("welfake", values.get("welfake"), values.get("text_columns"),
                                 values.get("label_column"), values.get("label_map"), None,
                                 "drop", "in-domain")}


def fixed_labels(items: list[str] | None, files: list[str]) -> dict[str, str]:
    """``--external-label`` values → file stem → its one label. ``real`` alone applies to
    every file; ``NAME=real`` to the file whose stem is NAME (and wins over a bare one)."""
    from harness.data.errors import DataError
    from harness.data.news import NEWS_LABELS

    stems = [Path(f).stem for f in files]
    every, named = None, {}
    for item in names(items or []):
        stem, _, label = item.rpartition("=")
        if label not in NEWS_LABELS:
            example = stems[0] if stems else "FILE"
            raise DataError(f"--external-label {item!r}: the label must be one of "
                            f"{', '.join(NEWS_LABELS)} (e.g. real, or {example}=real)")
        if not stem:
            every = label
        elif stem not in stems:
            raise DataError(f"--external-label {item!r}: no external file is named {stem!r}; "
                            f"the files are {', '.join(stems) or 'none'} (names without suffix)")
        else:
            named[stem] = label
    return {stem: named.get(stem, every) for stem in stems if named.get(stem, every)}


def external_overrides(values: Values) -> dict[str, Any]:
    """The external news sets (``sets``), each with its own fixed label where given."""
    files = values.get("external") or []
    labels = fixed_labels(values.get("external_label"), files)
    sets = tuple(
        _news_source(Path(path).stem, path, values.get("external_text_columns"),
                     values.get("external_label_column"), values.get("external_label_map"),
                     labels.get(Path(path).stem),
                     "drop" if values.get("external_drop_blank") else "error", "external")
        for path in files
    )
    return {"sets": sets or None}


def mnli_overrides(values: Values) -> dict[str, Any]:
    order = values.get("mnli_label_order")
    return {
        "mnli": absolute(values.get("mnli")),
        "train_file": absolute(values.get("mnli_train")),
        "samples_per_split": values.get("mnli_samples"),
        "label_order": tuple(names([order])) if order else None,
    }


def budget_overrides(values: Values, results_dir: Path) -> dict[str, Any]:
    """The training budget, and where fine-tuned models and standardized splits live."""
    return {
        "max_train_samples": values.get("max_train_samples"),
        "max_eval_samples": values.get("max_eval_samples"),
        "max_length": values.get("max_length"),
        "epochs": values.get("epochs"),
        "learning_rate": values.get("learning_rate"),
        "batch_size": values.get("train_batch_size"),
        **made_once_dirs(results_dir),
    }


def made_once_dirs(results_dir: Path) -> dict[str, str | None]:
    """Where a run keeps fine-tuned models and standardized splits (the latency suite's
    parity gate reads them too: a real model to hold int8 against)."""
    return {"finetuned_dir": absolute(Path(results_dir) / "finetuned"),
            "splits_dir": absolute(Path(results_dir) / "splits")}
