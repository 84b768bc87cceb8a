"""What every suite declares: a config with quick/full presets, a run, and a table renderer."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from models_registry.meta import ModelMeta
from models_registry.weights import ResolvedWeights

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from harness.options import Option, Values
    from harness.records.metrics import MetricsRecord
    from harness.records.roles import (
        Architecture,
        Curves,
        Evaluation,
        EvidenceFinder,
        PointMeasure,
        Rate,
    )
    from harness.records.schema import JobResult

Mode = Literal["quick", "full"]
Progress = Callable[[str], None]


@dataclass(frozen=True, kw_only=True)
class SuiteConfig:
    """What every suite's config has; the whole config is stored with each result."""

    threads: int
    interop_threads: int = 1
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown {cls.__name__} keys: {sorted(unknown)}")
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        return cls(**values)


@dataclass(frozen=True, kw_only=True)
class EfficiencyConfig(SuiteConfig):
    """Settings shared by the offline efficiency suites; all of them end up in the result."""

    attn_implementation: str = "sdpa"
    backend: str = "pytorch-sdpa"
    dtype: str = "float32"
    weights: Literal["auto", "random-init"] = "auto"
    # Inputs: seeded random token ids, every position attended (the cost of a batch padded to
    # the sequence length; attention cost does not depend on which ids are there).
    inputs: str = "synthetic-token-ids"


@dataclass(frozen=True, kw_only=True)
class SweepConfig(EfficiencyConfig):
    batch_sizes: tuple[int, ...] = (1, 8)
    seq_lens: tuple[int, ...] = (128, 512)

    def points(self) -> list[tuple[int, int]]:
        return [(b, s) for b in self.batch_sizes for s in self.seq_lens]


# (batch sizes, sequence lengths) of the sweep suites' presets: the latency and memory suites
# share them, so their points line up in the leaderboard.
QUICK_GRID = ((1, 8), (128, 512))
FULL_GRID = ((1, 2, 4, 8, 16, 32), (64, 128, 256, 512))


@dataclass
class SuiteOutput:
    metrics: dict[str, Any]
    runtime: dict[str, Any]
    weights: ResolvedWeights
    family: str = ""  # learned from the resolved config for ad-hoc hf: models
    notes: list[str] = field(default_factory=list)


class Suite(ABC):
    name: ClassVar[str]
    description: ClassVar[str]
    config_type: ClassVar[type[SuiteConfig]]
    default_timeout_s: ClassVar[float] = 1800.0
    frameworks: ClassVar[tuple[str, ...]] = ("transformers",)
    # Suites with an inference-backend axis get one job per backend (see harness.backends).
    backend_axis: ClassVar[bool] = False
    # Calls only the shapes of its declared grid: static-shape backends (one compiled
    # program per shape) run on such suites only.
    fixed_shapes: ClassVar[bool] = False
    # Suites that hold timings against the machine's measured GEMM peak (roofline).
    needs_machine_peak: ClassVar[bool] = False
    # Suites whose numbers are timings: their jobs hold the machine lock exclusively, so no
    # other bench job on this machine runs beside them (see bench.run.machine_lock), and
    # their worker pins the allocator before any model is built (harness.allocator).
    needs_quiet_machine: ClassVar[bool] = False
    # Suites that run faster on a GPU when one is visible (the Hugging Face Trainer picks it
    # up): on a Ray cluster their jobs ask for one where the node type has one.
    uses_gpu: ClassVar[bool] = False
    # The `bench run` flags this suite reads (harness.options); `overrides` maps their values.
    options: ClassVar[tuple[Option, ...]] = ()
    # Where the suite sits in listings and the leaderboard, and whether `bench run` runs it
    # when no --suites is given (the main job).
    order: ClassVar[int] = 100
    in_main_job: ClassVar[bool] = False
    # Roles its results play in the reports (harness.records.roles): a cost measured per
    # (batch, seq) point, and the claim evidence kinds it can judge.
    measures: ClassVar[PointMeasure | None] = None
    # The shape of its results' ``metrics`` (suites/<suite>/record.py).
    metrics_type: ClassVar[type[MetricsRecord]]
    evidence: ClassVar[dict[str, EvidenceFinder]] = {}
    # The rates its results sustain (``rates``), by the names ``bench compare`` gates on.
    rate_names: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def preset(self, mode: Mode, threads: int) -> SuiteConfig:
        """The quick (default) or full configuration."""

    def configure(self, mode: Mode, threads: int, overrides: dict[str, Any]) -> SuiteConfig:
        config = self.preset(mode, threads)
        known = {f.name for f in fields(config)}
        return replace(
            config, **{k: v for k, v in overrides.items() if k in known and v is not None}
        )

    def overrides(self, values: Values, results_dir: Path) -> dict[str, Any]:
        """Config overrides from the parsed values of :attr:`options` (None: keep the preset).
        ``results_dir`` is where the run keeps what it makes once and reuses."""
        return {}

    def unsupported(self, meta: ModelMeta) -> str | None:
        """Why this suite cannot run this model (the job is then not planned), or None."""
        if meta.framework not in self.frameworks:
            return f"suite {self.name!r} does not apply to {meta.framework} models"
        return None

    def preflight(self, config: SuiteConfig) -> None:  # noqa: B027 (optional hook)
        """Fail in the launcher, in seconds, when the suite's inputs cannot be had."""

    @abstractmethod
    def run(self, meta: ModelMeta, config: SuiteConfig, progress: Progress) -> SuiteOutput:
        """Runs inside the job's own subprocess."""

    def group_key(self, config: dict[str, Any]) -> str | None:
        """Jobs of this suite whose configs give the same key are run together, in one
        process, by :meth:`run_group` (timed in interleaved rounds, so their ratios pair
        up); None: every job runs alone."""
        return None

    def run_group(self, jobs: list[tuple[ModelMeta, SuiteConfig]], progress: Progress,
                  ) -> list[SuiteOutput | BaseException]:
        """Run jobs that share :meth:`group_key`; one output, or the exception that failed
        it, per job and in order. Only suites whose ``group_key`` is not None need it."""
        raise NotImplementedError(f"suite {self.name!r} does not run jobs in groups")

    def architecture(self, result: JobResult) -> Architecture | None:
        """The model's size and FLOPs, when this suite's ok ``result`` counts them."""
        return None

    def evaluations(self, result: JobResult) -> list[Evaluation]:
        """The labelled sets this suite's ok ``result`` scored, for the accuracy reports."""
        return []

    def rates(self, result: JobResult) -> list[Rate]:
        """The rates this suite's ok ``result`` sustains, for ``bench compare``."""
        return []

    def curves(self, results: list[JobResult]) -> list[Curves]:
        """Figures of one hardware section's ok results of this suite."""
        return []

    def measures_cost(self) -> bool:
        """Its results measure what a model costs (random-init weights are enough)."""
        return issubclass(self.config_type, EfficiencyConfig)

    @abstractmethod
    def table(self, results: list[JobResult]) -> pd.DataFrame:
        """One leaderboard table from this suite's ok results."""
