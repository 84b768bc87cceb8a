from models_registry.meta import ModelMeta

# Values from the hub's config.json for distilbert-base-uncased.
MODEL = ModelMeta(
    name="distilbert",
    hub_id="distilbert-base-uncased",
    family="distilbert",
    config={
        "activation": "gelu",
        "attention_dropout": 0.1,
        "dim": 768,
        "dropout": 0.1,
        "hidden_dim": 3072,
        "initializer_range": 0.02,
        "max_position_embeddings": 512,
        "n_heads": 12,
        "n_layers": 6,
        "pad_token_id": 0,
        "qa_dropout": 0.1,
        "seq_classif_dropout": 0.2,
        "sinusoidal_pos_embds": False,
        "tie_weights_": True,
        "vocab_size": 30522,
    },
    n_parameters=66_955_010,
    license="apache-2.0",
    mnli_checkpoint="typeform/distilbert-base-uncased-mnli",
    # DistilBertForQuestionAnswering, distilled a second time on SQuAD v1.1: the paper's
    # "DistilBERT (D)" row. No SQuAD 2.0 checkpoint from the authors.
    squad_checkpoints={"1.1": "distilbert-base-uncased-distilled-squad"},
    mnli_label_order=("entailment", "neutral", "contradiction"),
    finetune={"learning_rate": 5e-5, "epochs": 3, "batch_size": 16},
    paper="1910.01108",
    description="DistilBERT, 6 layers, 768 wide, distilled from BERT-base",
)
