"""The one result schema: a job's numbers plus everything that produced them.

Documented field by field in ``results/README.md``. Bump ``SCHEMA_VERSION``'s major number on
any change that an old reader would misread; readers refuse other majors.
"""

from __future__ import annotations

import types
import typing
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, Literal

from harness.records.paths import is_safe_name

# 1.1: optional shard, merged_from. 1.2: status "interrupted" (the run got SIGINT/SIGTERM).
# 1.3: ``metrics`` is checked, on writing and on reading, against the record its suite
# declares (``Suite.metrics_type``, suites/<suite>/record.py); 1.x files still read.
# 1.5: optional ``executor``: where the job ran (the local machine, or a Ray node).
SCHEMA_VERSION = "1.5"
JobStatus = Literal["ok", "failed", "timeout", "interrupted"]


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

    @property
    def label(self) -> str:
        """The commit as reports name it: 10 hex digits, ``-dirty`` for uncommitted code."""
        return f"{(self.sha or 'unknown')[:10]}{'-dirty' if self.dirty else ''}"


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
    cpu_id: str | None = None  # 1.4: family/model/stepping and caches (see environment.py)


@dataclass
class ErrorRecord:
    kind: str  # exception type, "timeout", "crash" or "interrupted"
    message: str
    log_tail: str = ""


@dataclass
class ExecutorRecord:
    """Where a job ran: ``local`` (this machine, ``bench run``) or ``ray`` (a node of a Ray
    cluster, ``bench run --executor ray``), with the node and its group's wall-clock span."""

    kind: str  # "local" | "ray"
    hostname: str | None = None
    node_id: str | None = None  # the Ray node id
    node_type: str | None = None
    node_labels: dict[str, str] | None = None
    attempt: int = 1  # 2: the first attempt's node was lost, see retried_after
    retried_after: str | None = None
    group_started_unix: float | None = None  # the job's group on that node, in Unix seconds
    group_finished_unix: float | None = None


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
    executor: ExecutorRecord | None = None  # 1.5
    schema_version: str = field(default=SCHEMA_VERSION)

    @property
    def hardware_fingerprint(self) -> str:
        return self.environment.hardware_fingerprint

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "<dict>") -> JobResult:
        if not isinstance(data, dict):
            raise ResultSchemaError(
                f"{source}: a result is a JSON object, got {_json_type(data)}")
        version = str(data.get("schema_version", ""))
        if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise ResultSchemaError(
                f"{source}: schema_version {version!r} is not readable by schema "
                f"{SCHEMA_VERSION}; re-run the job or use a matching version of the suite"
            )
        nested = {
            "model": ModelRecord, "git": GitRecord, "environment": EnvironmentRecord,
            "error": ErrorRecord, "executor": ExecutorRecord,
        }
        values = {}
        for f in fields(cls):
            if f.name not in data:
                if f.default is not MISSING:  # optional, or added in a later minor version
                    continue
                raise ResultSchemaError(f"{source}: missing field {f.name!r}")
            value = data[f.name]
            where = f"{source}: field {f.name!r}"
            if f.name in nested and value is not None:
                value = _build(nested[f.name], value, where)
            else:
                check_type(value, _HINTS[cls][f.name], where)
            values[f.name] = value
        if values["status"] not in typing.get_args(JobStatus):
            raise ResultSchemaError(f"{source}: unknown status {values['status']!r}")
        # Names that become file and folder names (runs/<run_id>/<job_id>.json, plots/
        # <fingerprint>-t<threads>/): a crafted file must not steer a write elsewhere.
        names = {"run_id": values["run_id"], "job_id": values["job_id"],
                 "merged_from": values.get("merged_from"),
                 "environment.hardware_fingerprint": values["environment"].hardware_fingerprint}
        for name, value in names.items():
            if value is not None and not is_safe_name(value):
                raise ResultSchemaError(
                    f"{source}: field {name!r} = {str(value)[:80]!r} is not a safe file name "
                    "(letters, digits, '.', '_', '-'; no '/' or '..'); this file was not "
                    "written by bench")
        return cls(**values)


def _json_type(value: Any) -> str:
    return "null" if value is None else {dict: "object", list: "array", str: "string",
                                         bool: "boolean"}.get(type(value), type(value).__name__)


def check_type(value: Any, hint: Any, where: str) -> None:
    """The JSON value has the declared type (Literal checked as its base type: readers of an
    older minor version must still read newer values)."""
    if not _matches(value, hint):
        raise ResultSchemaError(f"{where} must be {_describe(hint)}, got {_json_type(value)}")


def _matches(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, arg) for arg in typing.get_args(hint))
    if origin is Literal:
        return any(isinstance(value, type(arg)) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, origin or hint)


def _describe(hint: Any) -> str:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return " or ".join(_describe(arg) for arg in typing.get_args(hint))
    if typing.get_origin(hint) is Literal:
        return _describe(type(typing.get_args(hint)[0]))
    base = typing.get_origin(hint) or hint
    return {dict: "an object", list: "an array", str: "a string", int: "an integer",
            float: "a number", bool: "true or false", type(None): "null"}.get(base, str(base))


def _build(record_type: type, value: Any, where: str) -> Any:
    if not isinstance(value, dict):
        raise ResultSchemaError(f"{where} must be an object, got {_json_type(value)}")
    hints = _HINTS[record_type]
    values = {}
    for f in fields(record_type):
        if f.name not in value:
            if f.default is MISSING:
                raise ResultSchemaError(f"{where}: missing field {f.name!r}")
            continue
        check_type(value[f.name], hints[f.name], f"{where}.{f.name}")
        values[f.name] = value[f.name]
    return record_type(**values)


_HINTS = {record: typing.get_type_hints(record)
          for record in (ModelRecord, GitRecord, EnvironmentRecord, ErrorRecord, ExecutorRecord,
                         JobResult)}
