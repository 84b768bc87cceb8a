"""The one result schema: a job's numbers plus everything that produced them.

Documented field by field in ``results/README.md``. Bump ``SCHEMA_VERSION``'s major number on
any change that an old reader would misread; readers refuse other majors.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, Literal

SCHEMA_VERSION = "1.1"  # 1.1: optional shard, merged_from
JobStatus = Literal["ok", "failed", "timeout"]


class ResultSchemaError(ValueError):
    """A stored result that this version cannot read; the message names the file and the field."""


@dataclass
class ModelRecord:
    name: str
    hub_id: str | None
    family: str
    config_sha256: str
    declared_parameters: int | None
    weights: Literal["random-init", "pretrained"]
    weights_source: str  # local-dir | hf-cache | hub | random-init
    weights_format: str | None = None  # safetensors | pytorch-bin (torch.load weights_only=True)
    weights_path: str | None = None
    revision: str | None = None  # snapshot commit, or the declared revision


@dataclass
class GitRecord:
    sha: str | None
    dirty: bool | None


@dataclass
class EnvironmentRecord:
    cpu_model: str
    arch: str
    logical_cores: int | None
    physical_cores: int | None
    usable_cores: int | None
    ram_gib: float
    isa_flags: list[str]
    os: str
    python: str
    packages: dict[str, str | None]
    hardware_fingerprint: str


@dataclass
class ErrorRecord:
    kind: str  # exception type, "timeout" or "crash"
    message: str
    log_tail: str = ""


@dataclass
class JobResult:
    run_id: str
    job_id: str
    job_key: str  # hash of model declaration, suite config and key package versions
    suite: str
    status: JobStatus
    model: ModelRecord
    config: dict[str, Any]
    metrics: dict[str, Any]
    runtime: dict[str, Any]  # what really ran: threads, attention kernel, backend, dtype
    environment: EnvironmentRecord
    git: GitRecord
    started_at: str  # ISO 8601, UTC
    finished_at: str
    duration_s: float
    error: ErrorRecord | None = None
    shard: str | None = None  # "i/n" when run with ``bench run --shard i/n``
    merged_from: str | None = None  # the shard's own run id, once ``bench merge``d
    schema_version: str = field(default=SCHEMA_VERSION)

    @property
    def hardware_fingerprint(self) -> str:
        return self.environment.hardware_fingerprint

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "<dict>") -> JobResult:
        version = str(data.get("schema_version", ""))
        if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise ResultSchemaError(
                f"{source}: schema_version {version!r} is not readable by schema "
                f"{SCHEMA_VERSION}; re-run the job or use a matching version of the suite"
            )
        nested = {
            "model": ModelRecord, "git": GitRecord, "environment": EnvironmentRecord,
            "error": ErrorRecord,
        }
        values = {}
        for f in fields(cls):
            if f.name not in data:
                if f.default is not MISSING:  # optional, or added in a later minor version
                    continue
                raise ResultSchemaError(f"{source}: missing field {f.name!r}")
            value = data[f.name]
            if f.name in nested and value is not None:
                value = _build(nested[f.name], value, f"{source}: field {f.name!r}")
            values[f.name] = value
        if values["status"] not in ("ok", "failed", "timeout"):
            raise ResultSchemaError(f"{source}: unknown status {values['status']!r}")
        return cls(**values)


def _build(record_type: type, value: Any, where: str) -> Any:
    if not isinstance(value, dict):
        raise ResultSchemaError(f"{where} must be an object, got {type(value).__name__}")
    names = {f.name for f in fields(record_type)}
    try:
        return record_type(**{k: v for k, v in value.items() if k in names})
    except TypeError as exc:
        raise ResultSchemaError(f"{where}: {exc}") from None
