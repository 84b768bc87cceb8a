"""Two kinds of text classifier behind one ``predict_proba``: a transformer and TF-IDF + LR.

The TF-IDF baseline is saved as JSON (vocabulary, settings) plus safetensors arrays (idf,
coefficients), never as a pickle, so loading a result's model cannot run code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

TFIDF_FILES = ("tfidf_logreg.json", "tfidf_logreg.safetensors")


class TransformerClassifier:
    """Batched inference, batches formed by length so padding stays small (dynamic padding)."""

    def __init__(self, model: Any, tokenizer: Any, *, max_length: int, batch_size: int = 32,
                 call: Callable[[dict[str, Any]], Any] | None = None):
        self.model, self.tokenizer = model.eval(), tokenizer
        self.max_length, self.batch_size = max_length, batch_size
        # A converted backend's float32 logits function (harness.backends.Prepared.logits).
        self.call = call

    def predict_proba(
        self,
        texts: Sequence[str],
        pairs: Sequence[str] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> np.ndarray:
        import torch

        order = sorted(
            range(len(texts)), key=lambda i: len(texts[i]) + len(pairs[i] if pairs else "")
        )
        device = next(self.model.parameters()).device
        out = np.zeros((len(texts), self.model.config.num_labels), dtype=np.float64)
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start:start + self.batch_size]
                encoded = self.tokenizer(
                    [texts[i] for i in idx],
                    [pairs[i] for i in idx] if pairs else None,
                    truncation=True, max_length=self.max_length, padding=True,
                    return_tensors="pt",
                ).to(device)
                logits = (self.model(**encoded).logits.float() if self.call is None
                          else torch.as_tensor(self.call(dict(encoded))))
                out[idx] = torch.softmax(logits, dim=-1).cpu().numpy()
                if progress and (start // self.batch_size) % 20 == 0:
                    progress(f"predict {min(start + self.batch_size, len(order))}/{len(order)}")
        return out


class TfidfLogReg:
    """TF-IDF n-grams + logistic regression; settings come from the registry declaration."""

    def __init__(self, settings: dict[str, Any], label_names: tuple[str, ...]):
        self.settings, self.label_names = dict(settings), tuple(label_names)
        self.vectorizer, self.classifier = self._build()

    def _build(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        s = self.settings
        vectorizer = TfidfVectorizer(
            max_features=s["max_features"], ngram_range=tuple(s["ngram_range"]),
            min_df=s["min_df"], max_df=s["max_df"], lowercase=True, sublinear_tf=False,
        )
        classifier = LogisticRegression(
            C=s["C"], solver=s["solver"], max_iter=s.get("max_iter", 1000),
            random_state=s.get("seed", 0),
        )
        return vectorizer, classifier

    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> TfidfLogReg:
        features = self.vectorizer.fit_transform(texts)
        self.classifier.fit(features, np.asarray(labels))
        return self

    def predict_proba(self, texts: Sequence[str], pairs=None, progress=None) -> np.ndarray:
        proba = self.classifier.predict_proba(self.vectorizer.transform(texts))
        out = np.zeros((len(texts), len(self.label_names)))
        out[:, self.classifier.classes_] = proba  # a class absent from training stays at 0
        return out

    @property
    def n_parameters(self) -> int:
        return int(self.classifier.coef_.size + self.classifier.intercept_.size
                   + len(self.vectorizer.idf_))

    def save(self, directory: Path) -> None:
        from safetensors.numpy import save_file

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        vocabulary = {term: int(i) for term, i in self.vectorizer.vocabulary_.items()}
        meta = {"settings": self.settings, "label_names": list(self.label_names),
                "classes": self.classifier.classes_.tolist(), "vocabulary": vocabulary}
        (directory / TFIDF_FILES[0]).write_text(json.dumps(meta, sort_keys=True), "utf-8")
        save_file(
            {"idf": self.vectorizer.idf_, "coef": self.classifier.coef_,
             "intercept": self.classifier.intercept_},
            str(directory / TFIDF_FILES[1]),
        )

    @classmethod
    def load(cls, directory: Path) -> TfidfLogReg:
        from safetensors.numpy import load_file

        directory = Path(directory)
        meta = json.loads((directory / TFIDF_FILES[0]).read_text("utf-8"))
        arrays = load_file(str(directory / TFIDF_FILES[1]))
        model = cls(meta["settings"], tuple(meta["label_names"]))
        model.vectorizer.vocabulary_ = meta["vocabulary"]
        model.vectorizer.idf_ = arrays["idf"]
        model.classifier.classes_ = np.asarray(meta["classes"])
        model.classifier.coef_ = arrays["coef"]
        model.classifier.intercept_ = arrays["intercept"]
        return model

    @staticmethod
    def is_saved_in(directory: Path) -> bool:
        return all((Path(directory) / name).is_file() for name in TFIDF_FILES)
