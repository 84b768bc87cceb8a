"""One module per model, each defining ``MODEL = ModelMeta(...)``; the registry finds them."""
