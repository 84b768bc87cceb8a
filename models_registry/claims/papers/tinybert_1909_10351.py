"""TinyBERT (arXiv 1909.10351): TinyBERT4 MNLI-m/mm from Table 1 (GLUE test) and its SQuAD
dev EM/F1 from the question-answering table."""

from models_registry.claims.claim import Claim, Evidence, Paper, PaperVersion, Tolerance

PAPER = Paper(
    arxiv_id="1909.10351",
    title="TinyBERT: Distilling BERT for Natural Language Understanding",
    abstract=(
        "Language model pre-training, such as BERT, has significantly improved the "
        "performances of many natural language processing tasks. However, pre-trained language "
        "models are usually computationally expensive, so it is difficult to efficiently "
        "execute them on resource-restricted devices. To accelerate inference and reduce model "
        "size while maintaining accuracy, we first propose a novel Transformer distillation "
        "method that is specially designed for knowledge distillation (KD) of the "
        "Transformer-based models. By leveraging this new KD method, the plenty of knowledge "
        "encoded in a large teacher BERT can be effectively transferred to a small student "
        "Tiny-BERT. Then, we introduce a new two-stage learning framework for TinyBERT, which "
        "performs Transformer distillation at both the pretraining and task-specific learning "
        "stages. This framework ensures that TinyBERT can capture the general-domain as well as "
        "the task-specific knowledge in BERT. TinyBERT with 4 layers is empirically effective "
        "and achieves more than 96.8% the performance of its teacher BERTBASE on GLUE "
        "benchmark, while being 7.5x smaller and 9.4x faster on inference. TinyBERT with 4 "
        "layers is also significantly better than 4-layer state-of-the-art baselines on BERT "
        "distillation, with only about 28% parameters and about 31% inference time of them. "
        "Moreover, TinyBERT with 6 layers performs on-par with its teacher BERTBASE."
    ),
    primary_category="cs.CL",
    venue="Findings of EMNLP 2020",
    published_at="2019-09-23",
    latest_version=PaperVersion(
        id="1909.10351v5", version=5, source_url="https://arxiv.org/abs/1909.10351v5",
        rendered_html_url="https://ar5iv.labs.arxiv.org/html/1909.10351",
        rendering_engine="ar5iv",
    ),
)

PROTOCOL_NOTE = (
    "The paper's TinyBERT4 gets task-specific distillation from a fine-tuned BERT-base teacher "
    "with data augmentation; no such checkpoint is public. The suite's number comes from a plain "
    "fine-tune of huawei-noah/TinyBERT_General_4L_312D on MNLI train (--mnli-train): a "
    "different protocol, so at best a lower bound. Table 1 is GLUE test; evaluated on "
    "validation. PDF page not verified offline."
)

CLAIMS = [
    Claim(
        id=f"tinybert-1909.10351-table1-tinybert4-{column.lower()}",
        paper=PAPER, section="Table 1", row="TinyBERT4", column=column, reported_value=value,
        reported_metric="accuracy", quoted_text=f"TinyBERT4 ... {column} {value}",
        pdf_page=None, notes=PROTOCOL_NOTE, tolerance=Tolerance("abs", 1.0),
        evidence=Evidence("mnli", "tinybert", split=split), paper_setting="test",
        protocol_differs=True,
    )
    for column, value, split in (("MNLI-m", 82.5, "validation_matched"),
                                 ("MNLI-mm", 81.8, "validation_mismatched"))
]

SQUAD_NOTE = (
    "The paper's TinyBERT4 SQuAD rows come from task-specific distillation from a fine-tuned "
    "BERT-base teacher; no such checkpoint is public. The suite fine-tunes "
    "huawei-noah/TinyBERT_General_4L_312D on the given SQuAD train file (--squad-train-v1 / "
    "-v2) with a plain recipe: a different protocol, at best a lower bound. Values from Table 6 "
    "in Appendix B of arXiv v5 (SQuAD dev), as public transcriptions of the paper give it; "
    "the PDF itself is unreachable here, so the page is not given."
)

CLAIMS += [
    Claim(
        id=f"tinybert-1909.10351-squad-tinybert4-squad{version}-{label.lower()}",
        paper=PAPER, section="Table 6 (Appendix B, arXiv v5)", row="TinyBERT4",
        column=f"SQuAD v{version} {label}", reported_value=value,
        reported_metric=f"SQuAD {'exact match' if metric == 'exact' else 'F1'} (percent)",
        quoted_text=f"TinyBERT4 ... SQuAD v{version} {label} {value}", pdf_page=None,
        notes=SQUAD_NOTE, tolerance=Tolerance("abs", 1.0),
        evidence=Evidence("squad", "tinybert", split=version, metric=metric),
        protocol_differs=True,
    )
    for version, label, metric, value in (("1.1", "EM", "exact", 72.7), ("1.1", "F1", "f1", 82.1),
                                          ("2.0", "EM", "exact", 68.2), ("2.0", "F1", "f1", 71.8))
]
