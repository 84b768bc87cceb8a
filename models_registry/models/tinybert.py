from models_registry.meta import ModelMeta

# Values from the hub's config.json for huawei-noah/TinyBERT_General_4L_312D (a BERT
# architecture; the non-standard keys "cell", "structure", ... configure nothing and are left out).
MODEL = ModelMeta(
    name="tinybert",
    hub_id="huawei-noah/TinyBERT_General_4L_312D",
    family="bert",
    config={
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": 312,
        "initializer_range": 0.02,
        "intermediate_size": 1200,
        "max_position_embeddings": 512,
        "num_attention_heads": 12,
        "num_hidden_layers": 4,
        "type_vocab_size": 2,
        "vocab_size": 30522,
    },
    n_parameters=14_350_874,
    license="unknown (not stated on the model card)",
    mnli_checkpoint=None,  # no official MNLI checkpoint: fine-tuned by the accuracy suite
    # No public SQuAD checkpoint either: the squad suite fine-tunes one from --squad-train-v1/v2.
    finetune={"learning_rate": 1e-4, "epochs": 3, "batch_size": 16},
    paper="1909.10351",
    description="TinyBERT general distillation, 4 layers, 312 wide",
)
