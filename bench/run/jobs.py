"""A job is one (model, suite, config); its key decides whether a stored result still counts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.environment import package_versions
from harness.records.paths import path_part
from harness.suite import Mode
from models_registry import resolve_model_spec
from models_registry.meta import ModelMeta
from suites import get_suite

# A new torch or transformers changes the kernels measured: such results no longer count
# (``JobSpec.key_packages`` adds the runtimes of the job's own backend).
KEY_PACKAGES = ("torch", "transformers")
# Where a run keeps what it makes once (fine-tuned models, splits): not what was measured,
# so the same job in another results directory has the same key.
UNKEYED = frozenset({"finetuned_dir", "splits_dir"})


@dataclass(frozen=True)
class JobSpec:
    model: ModelMeta
    suite: str
    config: dict[str, Any]
    timeout_s: float

    @property
    def key(self) -> str:
        versions = package_versions()
        blob = json.dumps(
            {
                "model": self.model.identity(),
                "suite": self.suite,
                "config": {k: v for k, v in self.config.items() if k not in UNKEYED},
                "versions": {p: versions.get(p) for p in self.key_packages},
            },
            sort_keys=True,
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    @property
    def key_packages(self) -> tuple[str, ...]:
        """torch and transformers for every job, plus the runtimes this job's numbers come
        from: its backend's (and the re-scoring backends') packages, scikit-learn for the
        TF-IDF baseline. An upgrade of any of them makes the stored result stale."""
        from harness.backends import BACKENDS

        names = [self.config.get("backend"), *(self.config.get("compare_backends") or ())]
        extra = [p for n in names if n in BACKENDS for p in BACKENDS[n].requires]
        if self.model.framework == "sklearn":
            extra.append("scikit-learn")
        return tuple(dict.fromkeys([*KEY_PACKAGES, *extra]))

    @property
    def job_id(self) -> str:
        safe_name = path_part(self.model.name)
        backend = self.config.get("backend")
        axis = f"__{backend}" if backend and get_suite(self.suite).backend_axis else ""
        return f"{safe_name}__{self.suite}{axis}__{self.key[:10]}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model.to_dict(), "suite": self.suite, "config": self.config,
            "timeout_s": self.timeout_s,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobSpec:
        return cls(
            model=ModelMeta.from_dict(data["model"]),
            suite=data["suite"],
            config=data["config"],
            timeout_s=float(data["timeout_s"]),
        )


def plan_jobs(
    model_specs: list[str],
    suite_names: list[str],
    *,
    mode: Mode,
    threads: int,
    overrides: dict[str, Any] | None = None,
    per_suite: dict[str, dict[str, Any]] | None = None,
    timeout_s: float | None = None,
    on_skip: Callable[[str], None] | None = None,
) -> list[JobSpec]:
    """The job matrix, model-major, in the order given. Unknown names fail here, before any work.

    A (model, suite) pair that cannot apply (the TF-IDF baseline has no MNLI head or memory
    probe) is left out and reported through ``on_skip``. ``overrides`` apply to every suite
    (``backends`` is the job axis), ``per_suite`` to one suite each (``Suite.overrides``).
    """
    from harness.backends import REFERENCE, expand_backends, get_backend

    overrides = dict(overrides or {})
    backends = expand_backends(list(overrides.pop("backends", None) or [REFERENCE]))
    models = [resolve_model_spec(spec) for spec in model_specs]
    suites = [get_suite(name) for name in suite_names]
    skip = on_skip or (lambda message: None)
    jobs = []
    for meta in models:
        for suite in suites:
            reason = suite.unsupported(meta)
            if reason:
                skip(f"{meta.name}/{suite.name}: {reason}")
                continue
            if not suite.backend_axis:  # accuracy suites re-score through the other backends
                axis = [{"compare_backends": tuple(
                    b for b in backends if b != REFERENCE and not get_backend(b).unavailable()
                    and not get_backend(b).static_shapes)}]
            elif meta.framework != "transformers":  # the baseline has one way to run
                axis = [{}]
                skip_others = [b for b in backends if b != REFERENCE]
                if skip_others:
                    skip(f"{meta.name}/{suite.name}: backends {', '.join(skip_others)} "
                         f"apply to transformers models only")
            else:
                axis = []
                for name in backends:
                    backend = get_backend(name)
                    if reason := backend.unavailable():
                        skip(f"{meta.name}/{suite.name}/{name}: {reason}")
                        continue
                    if backend.static_shapes and not suite.fixed_shapes:
                        skip(f"{meta.name}/{suite.name}/{name}: compiles one program per "
                             "input shape, and this suite calls shapes it cannot list ahead")
                        continue
                    axis.append({"backend": name,
                                 "attn_implementation": backend.attn_implementation})
            for choice in axis:
                mine = {**overrides, **(per_suite or {}).get(suite.name, {}), **choice}
                config = suite.configure(mode, threads, mine)
                jobs.append(JobSpec(meta, suite.name, config.to_dict(),
                                    timeout_s or suite.default_timeout_s))
    return jobs


def preflight(jobs: list[JobSpec]) -> list[str]:
    """Every suite's missing data, found in seconds, before any job starts; every ad-hoc hub
    model that can be found nowhere; every declared architecture with an impossible size;
    and every job whose architecture leaves it no point to measure or whose largest point
    cannot fit in the memory this machine has free."""
    import psutil

    from harness.data.errors import DataError
    from harness.runtime import NothingToMeasure, runnable_points
    from harness.sizing import config_problems, memory_problem
    from models_registry.weights import unbuildable

    problems, checked = [], set()
    available = psutil.virtual_memory().available
    impossible = set()  # models whose declared sizes are not sizes: nothing to estimate
    for meta in {spec.model.name: spec.model for spec in jobs}.values():
        if reason := unbuildable(meta):
            problems.append(f"{meta.name}: {reason}")
        if sizes := config_problems(meta.config or {}):
            impossible.add(meta.name)
            problems += [f"{meta.name}: {p}" for p in sizes]
    for spec in jobs:
        points = [(1, s) for s in spec.config.get("seq_lens") or ()]
        if points and spec.model.config and spec.model.name not in impossible:
            try:
                runnable, _ = runnable_points(spec.model.config, points)
            except NothingToMeasure as exc:
                problems.append(f"{spec.model.name}/{spec.suite}: {exc}")
            else:
                batch = max(spec.config.get("batch_sizes") or [1])
                seq = max(s for _, s in runnable)
                if reason := memory_problem(spec.model.config, batch, seq, available):
                    problems.append(f"{spec.model.name}/{spec.suite}: {reason}")
        if spec.suite in checked:
            continue
        checked.add(spec.suite)
        suite = get_suite(spec.suite)
        try:
            suite.preflight(suite.config_type.from_dict(spec.config))
        except (DataError, FileNotFoundError) as exc:
            problems.append(f"{spec.suite}: {exc}")
    return problems
