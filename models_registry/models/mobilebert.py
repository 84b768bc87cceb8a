from models_registry.meta import ModelMeta

# Values from the hub's config.json for google/mobilebert-uncased. MobileBertConfig()'s
# defaults differ (classifier_activation=True adds a 512x512 pooler), so every value is spelled.
MODEL = ModelMeta(
    name="mobilebert",
    hub_id="google/mobilebert-uncased",
    family="mobilebert",
    config={
        "attention_probs_dropout_prob": 0.1,
        "classifier_activation": False,
        "embedding_size": 128,
        "hidden_act": "relu",
        "hidden_dropout_prob": 0.0,
        "hidden_size": 512,
        "initializer_range": 0.02,
        "intermediate_size": 512,
        "intra_bottleneck_size": 128,
        "key_query_shared_bottleneck": True,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": 512,
        "normalization_type": "no_norm",
        "num_attention_heads": 4,
        "num_feedforward_networks": 4,
        "num_hidden_layers": 24,
        "pad_token_id": 0,
        "trigram_input": True,
        "true_hidden_size": 128,
        "type_vocab_size": 2,
        "use_bottleneck": True,
        "use_bottleneck_attention": False,
        "vocab_size": 30522,
    },
    n_parameters=24_582_914,
    license="apache-2.0",
    mnli_checkpoint="typeform/mobilebert-uncased-mnli",
    # config.json of both equals the one above (MobileBertForQuestionAnswering, mit licence).
    squad_checkpoints={"1.1": "csarron/mobilebert-uncased-squad-v1",
                       "2.0": "csarron/mobilebert-uncased-squad-v2"},
    mnli_label_order=("entailment", "neutral", "contradiction"),
    # fp32: fp16 diverged in two published MobileBERT fine-tuning runs.
    finetune={"learning_rate": 3e-5, "epochs": 4, "batch_size": 16, "grad_accum": 2,
              "fp16": False},
    paper="2004.02984",
    description="MobileBERT (optimized: NoNorm, ReLU), 24 bottleneck layers, 512 wide",
)
