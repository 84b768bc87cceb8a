"""What produced a number: machine, software and code version. Cheap; never imports torch."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path

import psutil

# Every package whose version can change a number this suite stores: the model runtime
# and its backends (onnxruntime, onnx), the accuracy stack (scikit-learn, scipy, datasets,
# accelerate), and what draws or times (matplotlib, pytest-benchmark).
PACKAGES = (
    "torch", "transformers", "huggingface_hub", "safetensors", "tokenizers", "numpy",
    "pandas", "psutil", "pytest-benchmark", "onnxruntime", "onnx", "scikit-learn", "scipy",
    "datasets", "accelerate", "matplotlib", "compact-encoder-bench",
)
# CPU features that change which kernels torch picks: part of the hardware fingerprint.
ISA_FLAGS = ("avx2", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16", "amx_int8", "fma")
PROJECT_ROOT = Path(__file__).resolve().parents[1]  # the checkout: harness/ → root


def _cpuinfo() -> dict[str, str]:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    info: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            if info:  # first processor block is enough
                break
            continue
        info.setdefault(key.strip(), value.strip())
    return info


def cpu_identity(cpu: dict[str, str] | None = None) -> str | None:
    """The CPU's exact part and cache sizes. A VM's "model name" can be as vague as
    "AMD EPYC" on hosts two generations apart (seen here: fp32 and int8 peaks 2x apart under
    one name), so the fingerprint needs the family/model/stepping and the caches too."""
    cpu = _cpuinfo() if cpu is None else cpu
    keys = ("cpu family", "model", "stepping", "CPU implementer", "CPU part", "CPU variant")
    part = " ".join(f"{k.split()[-1]} {cpu[k]}" for k in keys if k in cpu)
    caches = []
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            level = (index / "level").read_text().strip()
            kind = (index / "type").read_text().strip()[0]  # Data / Instruction / Unified
            size = (index / "size").read_text().strip()
        except (OSError, IndexError):
            continue
        caches.append(f"L{level}{kind.lower() if level == '1' else ''} {size}")
    text = "; ".join(x for x in (part, " ".join(caches)) if x)
    return text or None


def usable_cores() -> int:
    """Cores this process may run on (affinity-aware): the default thread count."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def recorded_packages() -> tuple[str, ...]:
    """:data:`PACKAGES` and every package a declared backend requires: a backend added later
    (a new runtime) is recorded in every result without editing this list."""
    from harness.backends import BACKENDS

    needed = [name for backend in BACKENDS.values() for name in backend.requires]
    return tuple(dict.fromkeys([*PACKAGES, *needed]))


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in recorded_packages():
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


@cache
def capture_environment() -> dict:
    """Machine and software facts recorded in every result."""
    cpu = _cpuinfo()
    flags = set(cpu.get("flags", "").split())
    env = {
        "cpu_model": cpu.get("model name") or platform.processor() or "unknown",
        "arch": platform.machine(),
        "logical_cores": psutil.cpu_count(logical=True),
        "physical_cores": psutil.cpu_count(logical=False),
        "usable_cores": usable_cores(),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "isa_flags": sorted(f for f in ISA_FLAGS if f in flags),
        "cpu_id": cpu_identity(cpu),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": package_versions(),
    }
    env["hardware_fingerprint"] = hardware_fingerprint(env)
    return env


def hardware_fingerprint(env: dict) -> str:
    """Same CPU part, caches, cores, RAM and ISA → same fingerprint; latencies compare only
    within one. (Results from before ``cpu_id`` keep the fingerprint they were stored with.)"""
    keys = ("cpu_model", "arch", "logical_cores", "physical_cores", "ram_gib", "isa_flags",
            "cpu_id")
    key = "|".join(str(env.get(k)) for k in keys)
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def describe_hardware(env: dict) -> str:
    return (
        f"{env['cpu_model']} ({env['arch']}), {env['logical_cores']} logical / "
        f"{env['physical_cores']} physical cores, {env['ram_gib']} GiB RAM"
    )


@cache
def git_info(root: Path = PROJECT_ROOT) -> dict:
    """Commit and dirty flag of the code that ran; nulls when not run from a git checkout."""
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()

    try:
        sha = git("rev-parse", "HEAD")
        # results/ is what runs write: it does not make the code dirty.
        dirty = bool(git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!results"))
    except (OSError, subprocess.SubprocessError):
        return {"sha": None, "dirty": None}
    return {"sha": sha, "dirty": dirty}
