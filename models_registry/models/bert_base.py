from models_registry.meta import ModelMeta

# Values from the hub's config.json for bert-base-uncased.
MODEL = ModelMeta(
    name="bert-base",
    hub_id="bert-base-uncased",
    family="bert",
    config={
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": 768,
        "initializer_range": 0.02,
        "intermediate_size": 3072,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": 512,
        "num_attention_heads": 12,
        "num_hidden_layers": 12,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "type_vocab_size": 2,
        "vocab_size": 30522,
    },
    n_parameters=109_483_778,
    license="apache-2.0",
    mnli_checkpoint="textattack/bert-base-uncased-MNLI",
    # BertForQuestionAnswering, 12 layers, 768 wide, uncased vocabulary of 30,522: this
    # architecture. deepset's card: trained on SQuAD 2.0 at max_seq_len 384, doc_stride 128.
    squad_checkpoints={"1.1": "csarron/bert-base-uncased-squad-v1",
                       "2.0": "deepset/bert-base-uncased-squad2"},
    # Its config says LABEL_0..2; outputs are permuted vs GLUE (TextAttack issue #684).
    mnli_label_order=("contradiction", "entailment", "neutral"),
    finetune={"learning_rate": 2e-5, "epochs": 3, "batch_size": 16},
    paper="1810.04805",
    description="BERT-base uncased, 12 layers, 768 wide: the reference every speed-up is against",
)
