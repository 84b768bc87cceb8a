"""Options shared by ``pytest`` (tests/) and ``pytest bench/ --benchmark`` (benchmarks)."""


def pytest_addoption(parser):
    group = parser.getgroup("compact-encoder-bench")
    group.addoption(
        "--benchmark", action="store_true", default=False,
        help="run the latency benchmarks in bench/ (skipped otherwise so plain pytest stays fast)",
    )
    group.addoption(
        "--bench-models", default="mobilebert,distilbert,tinybert,bert-base",
        help="comma-separated registry names, hf:<id> or local model directories",
    )
    group.addoption("--bench-threads", type=int, default=None, help="default: usable cores")
    group.addoption(
        "--bench-grid", default="1x128,8x128,1x512,8x512",
        help="comma-separated BATCHxSEQ points (default: the quick latency grid)",
    )
