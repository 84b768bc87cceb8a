"""A capability card's claims about csarron/mobilebert-uncased-squad-v2 (a model card, not a
paper: ``Paper.arxiv_id`` is None and the source is the page that states them).

Each vague claim is made testable in its ``notes``: sizes from the declared parameter count at
the precision the words allow (offline, from the architecture alone), accuracy against the
squad suite's v2.0 F1, speed against the latency suite's paired ratio. Claims the suite cannot
measure at all (GPU throughput) say why and stay inconclusive.
"""

from models_registry.claims.claim import Claim, Evidence, Paper, PaperVersion, Tolerance

CARD_URL = ("https://www.unfragile.ai/compare/"
            "csarron--mobilebert-uncased-squad-v2-vs-sentence-transformers--all-minilm-l6-v2")
QUOTE = ("MobileBERT uses bottleneck layer architecture with knowledge distillation from "
         "BERT-large, achieving 4.3x smaller model size (25MB) and 5.5x faster inference than "
         "BERT-base while maintaining 95%+ accuracy on SQuAD v2.")
PAPER = Paper(
    arxiv_id=None,
    title="Capability card: csarron/mobilebert-uncased-squad-v2",
    abstract=(QUOTE + " The 25MB base model can be further quantized (INT8, FP16) reducing "
              "size to 6-12MB with <5% accuracy loss. Combined with dynamic padding, achieves "
              "3-4x higher throughput than BERT-base on typical GPU hardware."),
    primary_category="model-card",
    venue="third-party model comparison page",
    published_at=None,
    latest_version=PaperVersion(
        id="card:csarron/mobilebert-uncased-squad-v2@main", version=1, source_url=CARD_URL,
        rendered_html_url=CARD_URL, rendering_engine="html",
    ),
)
SOURCE_NOTE = "A model card's claim, not a paper's: no table, row or page. "


def _claim(slug: str, column: str, value: float, metric: str, quote: str, notes: str,
           tolerance: Tolerance, evidence: Evidence, setting: str) -> Claim:
    return Claim(
        id=f"card-mobilebert-squad-v2-{slug}", paper=PAPER, section="Model card",
        row="MobileBERT (csarron/mobilebert-uncased-squad-v2) vs BERT-base", column=column,
        reported_value=value, reported_metric=metric, quoted_text=quote, pdf_page=None,
        notes=SOURCE_NOTE + notes, tolerance=tolerance, evidence=evidence,
        paper_setting=setting,
    )


QUANT = "quantized (INT8, FP16) reducing size to 6-12MB with <5% accuracy loss"
CLAIMS = [
    _claim("4.3x-smaller", "size ratio", 4.3, "parameter ratio (BERT-base / MobileBERT)",
           "4.3x smaller model size (25MB)",
           "Judged offline from the registry's exact parameter counts (2-label heads).",
           Tolerance("relative", 0.10),
           Evidence("param_ratio", "mobilebert", reference="bert-base"), "parameter count"),
    _claim("25mb-fp32", "size (fp32)", 25.0, "weights size (MB)",
           "4.3x smaller model size (25MB)",
           "'25MB' read as the fp32 weights the checkpoint ships: parameters × 4 bytes, from the "
           "architecture alone.", Tolerance("relative", 0.10),
           Evidence("artifact_mb", "mobilebert", split="fp32"), "fp32 weights"),
    _claim("25mb-int8", "size (int8)", 25.0, "weights size (MB)",
           "4.3x smaller model size (25MB)",
           "'25MB' read as int8 weights: parameters × 1 byte, the only precision at which the "
           "figure fits the architecture.", Tolerance("relative", 0.10),
           Evidence("artifact_mb", "mobilebert", split="int8"), "int8 weights"),
    _claim("5.5x-faster", "latency", 5.5, "speed-up (BERT-base latency / MobileBERT latency)",
           "5.5x faster inference than BERT-base",
           "Judged as the paper's abstract claim is: p50 latency at batch 1, 128 tokens, the "
           "fewest threads timed, the ratio paired over interleaved rounds on this CPU (cost "
           "does not depend on the weights, so random-init timings count).",
           Tolerance("relative", 0.20),
           Evidence("latency_ratio", "mobilebert", reference="bert-base", point=(1, 128)),
           "this CPU, PyTorch"),
    _claim("95pct-squad-v2", "SQuAD v2.0 F1", 95.0, "SQuAD v2.0 dev F1 (percent)",
           "95%+ accuracy on SQuAD v2",
           "'accuracy' is not a SQuAD metric; read as F1 on SQuAD v2.0 dev (best no-answer "
           "threshold) of at least 95. The paper reports 79.2 for MobileBERT. Inconclusive "
           "until the squad suite runs with the real checkpoint.",
           Tolerance("at_least", 1.0), Evidence("squad", "mobilebert", split="2.0",
                                                metric="f1"), "dev"),
    _claim("quantized-6-12mb", "size (quantized)", 12.0, "weights size (MB), upper end",
           QUANT, "'6-12MB' read as: the smaller of the INT8 and FP16 artefacts is at most "
           "12 MB. int8 (1 byte per parameter) is the smaller; judged from the architecture.",
           Tolerance("at_most", 1.0), Evidence("artifact_mb", "mobilebert", split="int8"),
           "int8 weights"),
    _claim("int8-under-5pct-loss", "SQuAD F1 loss (int8)", 5.0,
           "relative F1 loss of int8 vs fp32 (percent)", QUANT,
           "'<5% accuracy loss' read as: F1 on SQuAD v2.0 dev (best no-answer threshold) of "
           "the PyTorch dynamic-int8 model loses under 5% of the fp32 model's F1, on the same "
           "questions (bench run --suites squad --backends pytorch-int8). Inconclusive until "
           "that runs with the real checkpoint.", Tolerance("at_most", 1.0),
           Evidence("squad_backend_loss", "mobilebert", split="2.0", metric="f1",
                    backend="pytorch-int8"), "dev"),
    _claim("3-4x-gpu-throughput", "GPU throughput ratio", 3.0,
           "throughput ratio (MobileBERT / BERT-base), lower end of 3-4x",
           "Combined with dynamic padding, achieves 3-4x higher throughput than BERT-base on "
           "typical GPU hardware",
           "Judged with CPU evidence, as a proxy marked 'mismatch': the serving suite's "
           "Server QPS at MLPerf's p99 bound (130 ms) on real text with dynamic padding and "
           "batching, MobileBERT over BERT-base, each on its best streams × threads layout. "
           "No GPU is measured.",
           Tolerance("at_least", 1.0),
           Evidence("server_qps_ratio", "mobilebert", reference="bert-base"), "GPU"),
    _claim("fast-cold-start", "cold start", 1.0,
           "cold-start ratio (BERT-base / MobileBERT), above 1 = MobileBERT starts faster",
           "fast endpoint startup ... reducing cold start latency",
           "As quoted from the card in issue 25. Read as: a fresh process reaches its first "
           "answer sooner with MobileBERT than with BERT-base (the ratio of median cold starts "
           "over at least 5 fresh processes each, imports + weight loading + conversion + "
           "first call) on this CPU.", Tolerance("at_least", 1.0),
           Evidence("cold_start_ratio", "mobilebert", reference="bert-base"), "this CPU"),
    _claim("sub-100ms-mobile", "latency on mobile", 100.0, "p90 latency (ms), upper bound",
           "Sub-100 ms inference on mobile devices",
           "As quoted from the card in issue 25. Judged against a phone proxy: p90 at batch 1, "
           "128 tokens, on the ExecuTorch XNNPACK runtime (the one phones run) at the fewest "
           "threads timed (1 thread: one core). A server core is not a phone core; the "
           "verdict is a proxy.", Tolerance("at_most", 1.0),
           Evidence("latency_p90_ms", "mobilebert", point=(1, 128),
                    backend="executorch-xnnpack"), "phone proxy"),
]
