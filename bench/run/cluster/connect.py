"""Reach a Ray cluster, or say within seconds why not and how to start one."""

from __future__ import annotations

import logging
import os
import socket

from bench.run.cluster.nodes import START_HINT, ClusterError

CONNECT_TIMEOUT_S = 10.0  # the TCP check; `ray.init` itself follows only once it passed


def resolve_address(address: str | None) -> str:
    return address or os.environ.get("RAY_ADDRESS") or "auto"


def host_port(address: str) -> tuple[str, int]:
    """``HOST:PORT`` or ``ray://HOST:PORT`` → (host, port)."""
    bare = address.split("://", 1)[-1].rstrip("/")
    host, sep, port = bare.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ClusterError(f"--ray-address {address!r}: expected HOST:PORT (the GCS address "
                           "`ray start --head` prints), ray://HOST:PORT, or auto")
    return host.strip("[]"), int(port)


def check_reachable(address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """A TCP connection to the cluster's address, bounded in time: an unreachable cluster
    fails here in seconds instead of in Ray's own retries."""
    host, port = host_port(address)
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            pass
    except OSError as exc:
        reason = "no answer" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
        raise ClusterError(f"no Ray cluster reachable at {address} ({reason} within "
                           f"{timeout_s:g} s); {START_HINT}") from None


def auto_address() -> str | None:
    """Where ``auto`` points: the cluster last started on this machine (Ray's own lookup),
    or None when Ray cannot say. A stale record of a stopped cluster is caught by the TCP
    check instead of by Ray's minute of retries."""
    try:
        from ray._private.services import canonicalize_bootstrap_address_or_die
    except ImportError:  # a Ray without that helper: ray.init finds it alone
        return None
    try:
        return canonicalize_bootstrap_address_or_die("auto")
    except ConnectionError:
        raise ClusterError(f"no Ray cluster runs on this machine and RAY_ADDRESS is not set; "
                           f"{START_HINT}") from None


def connect(address: str | None) -> str:
    """Connect this process to the cluster as its driver; the address used."""
    address = resolve_address(address)
    target = auto_address() if address == "auto" else address
    if target:
        check_reachable(target)
    import ray

    try:
        ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False,
                 configure_logging=True)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ClusterError(f"cannot connect to a Ray cluster at {address} ({first}); "
                           f"{START_HINT}") from None
    return address
