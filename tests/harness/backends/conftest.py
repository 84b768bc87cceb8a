import pytest


@pytest.fixture(scope="session")
def parity_dir(tmp_path_factory):
    """One trained parity model per family for the whole session (training takes ~20 s)."""
    return tmp_path_factory.mktemp("parity-models")


@pytest.fixture(autouse=True)
def _parity_cache(parity_dir, monkeypatch):
    monkeypatch.setenv("BENCH_PARITY_DIR", str(parity_dir))
