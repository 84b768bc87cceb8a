"""DistilBERT (arXiv 1910.01108): MNLI dev accuracy from Table 1, SQuAD v1.1 dev EM/F1 from
Table 2."""

from models_registry.claims.claim import Claim, Evidence, Paper, PaperVersion, Tolerance

PAPER = Paper(
    arxiv_id="1910.01108",
    title="DistilBERT, a distilled version of BERT: smaller, faster, cheaper and lighter",
    abstract=(
        "As Transfer Learning from large-scale pre-trained models becomes more prevalent in "
        "Natural Language Processing (NLP), operating these large models in on-the-edge and/or "
        "under constrained computational training or inference budgets remains challenging. In "
        "this work, we propose a method to pre-train a smaller general-purpose language "
        "representation model, called DistilBERT, which can then be fine-tuned with good "
        "performances on a wide range of tasks like its larger counterparts. While most prior "
        "work investigated the use of distillation for building task-specific models, we "
        "leverage knowledge distillation during the pre-training phase and show that it is "
        "possible to reduce the size of a BERT model by 40%, while retaining 97% of its language "
        "understanding capabilities and being 60% faster. To leverage the inductive biases "
        "learned by larger models during pre-training, we introduce a triple loss combining "
        "language modeling, distillation and cosine-distance losses. Our smaller, faster and "
        "lighter model is cheaper to pre-train and we demonstrate its capabilities for "
        "on-device computations in a proof-of-concept experiment and a comparative on-device "
        "study."
    ),
    primary_category="cs.CL",
    venue="NeurIPS 2019 Workshop on Energy Efficient Machine Learning and Cognitive Computing",
    published_at="2019-10-02",
    latest_version=PaperVersion(
        id="1910.01108v4", version=4, source_url="https://arxiv.org/abs/1910.01108v4",
        rendered_html_url="https://ar5iv.labs.arxiv.org/html/1910.01108",
        rendering_engine="ar5iv",
    ),
)

CLAIMS = [
    Claim(
        id="distilbert-1910.01108-table1-mnli",
        paper=PAPER, section="Table 1", row="DistilBERT", column="MNLI", reported_value=82.2,
        reported_metric="accuracy",
        quoted_text="DistilBERT ... MNLI 82.2 (GLUE dev sets)",
        pdf_page=None,
        notes="Table 1 reports GLUE dev-set results (MNLI matched). Evaluated checkpoint: "
        "typeform/distilbert-base-uncased-mnli, a community fine-tune, not the authors'. The "
        "full validation_matched split under --full is the paper's split; the default slice "
        "is a proxy. PDF page not verified offline.",
        tolerance=Tolerance("abs", 1.0),
        evidence=Evidence("mnli", "distilbert", split="validation_matched"),
        paper_setting="dev",
    ),
]

TABLE2_NOTE = (
    "Table 2 reports SQuAD v1.1 dev EM/F1. Evaluated checkpoint: "
    "distilbert-base-uncased-distilled-squad, DistilBERT fine-tuned with a second step of "
    "distillation on SQuAD: the \"DistilBERT (D)\" row. Page 3, as a secondary source (a "
    "public transcription) gives it; the PDF itself is unreachable here."
)

CLAIMS += [
    Claim(
        id=f"distilbert-1910.01108-table2-distilbert-d-squad1.1-{label.lower()}",
        paper=PAPER, section="Table 2", row="DistilBERT (D)", column=f"SQuAD v1.1 {label}",
        reported_value=value,
        reported_metric=f"SQuAD {'exact match' if metric == 'exact' else 'F1'} (percent)",
        quoted_text=f"DistilBERT (D) ... SQuAD {value}", pdf_page=3, notes=TABLE2_NOTE,
        tolerance=Tolerance("abs", 1.0),
        evidence=Evidence("squad", "distilbert", split="1.1", metric=metric),
    )
    for label, metric, value in (("EM", "exact", 79.1), ("F1", "f1", 86.9))
]
