"""Request and response schemas of the CI API (pydantic, through django-ninja).

Every string that reaches a database column refuses NUL (PostgreSQL text cannot hold it)
and is bounded by its column's length; JSON objects are checked the same way, recursively.
The console log may hold NUL (serial consoles print garbage): it is stored as a file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints, field_validator

MAX_BATCH = 1000
NO_NUL = r"^[^\x00]*$"


def _text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[
        str, StringConstraints(max_length=max_length, min_length=min_length, pattern=NO_NUL)
    ]


def _check_json(value: Any, depth: int = 0) -> Any:
    if depth > 20:
        raise ValueError("nested too deeply (at most 20 levels)")
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("strings may not contain NUL (\\u0000)")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_json(key, depth + 1)
            _check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)
    elif isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise ValueError("numbers must be finite")
    return value


JsonObject = Annotated[dict[str, Any], AfterValidator(_check_json)]
Name = _text(200, 1)
Small = _text(100)
INT32 = 2**31 - 1


class PatchIn(Schema):
    kind: Literal["series", "commit"]
    ref: _text(300, 1) = Field(description="Message-ID of the series version, or commit SHA")


class KernelIn(Schema):
    tree: Name = Field(description="mainline, linux-next, stable, a git URL ...")
    version: Small = Field(min_length=1, description='as the kernel prints it: "6.9.0-rc6"')
    tag: Small = ""
    commit: _text(64) = ""
    label: Name | Literal[""] = ""
    patches: list[PatchIn] = Field(default_factory=list, max_length=200)


class ConfigIn(Schema):
    name: Name
    filesystem: _text(50) = ""
    block_size: int | None = Field(default=None, ge=0, le=INT32)
    min_folio_order: int | None = Field(default=None, ge=0, le=32)
    arch: _text(50) = ""
    kconfig_hash: _text(128) = ""
    params: JsonObject = Field(default_factory=dict)


class ReproducerIn(Schema):
    name: Name
    description: _text(10_000) = ""
    script: _text(1_000_000) = ""


class RunIn(Schema):
    """One run as CI posts it; (the token's origin, run_id) is the idempotency key."""

    run_id: Name
    origin: Small | None = Field(
        default=None, description="optional; when given it must be the token's origin"
    )
    kernel: KernelIn
    config: ConfigIn
    reproducer: ReproducerIn
    outcome: Literal["pass", "crash", "hang", "error", "skip"]
    started_at: datetime = Field(description="ISO 8601; without a zone it is taken as UTC")
    duration_s: float | None = Field(default=None, ge=0, le=1e9, allow_inf_nan=False)
    iterations: int | None = Field(default=None, ge=0, le=INT32)
    host: _text(200) = ""
    vm: JsonObject = Field(default_factory=dict)
    console_log: str | None = Field(
        default=None, description="the console log as text; or upload it gzip-compressed"
    )

    @field_validator("started_at")
    @classmethod
    def _in_range(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if not (1970 <= value.year <= 2200):
            raise ValueError("must be between the years 1970 and 2200")
        return value.astimezone(UTC)


class RunBatchIn(Schema):
    runs: list[RunIn] = Field(min_length=1, max_length=MAX_BATCH)


class RunResultOut(Schema):
    run_id: str
    status: Literal["created", "unchanged", "conflict", "rejected"] = Field(
        description="rejected: not stored because another run of the batch conflicts"
    )
    id: int | None = None
    detail: str = ""


class BatchOut(Schema):
    status: Literal["created", "unchanged", "conflict"]
    results: list[RunResultOut]


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


class KernelOut(Schema):
    id: int
    tree: str
    version: str
    tag: str
    commit: str
    label: str
    patches: list[dict[str, Any]]
    base_id: int | None


class ConfigOut(Schema):
    id: int
    name: str
    filesystem: str
    block_size: int | None
    min_folio_order: int | None
    arch: str
    kconfig_hash: str
    params: dict[str, Any]


class ReproducerOut(Schema):
    id: int
    name: str


class CrashReportOut(Schema):
    id: int
    title: str
    crash_type: str
    corrupted: bool
    guilty_frame: str
    signature_id: int


class RunOut(Schema):
    id: int
    origin: str
    run_id: str
    kernel: KernelOut
    config: ConfigOut
    reproducer: ReproducerOut
    outcome: str
    started_at: datetime
    duration_s: float | None
    iterations: int | None
    host: str
    vm: dict[str, Any]
    has_log: bool
    log_size: int | None
    received_at: datetime
    parsed_at: datetime | None
    synthetic: bool
    crash_reports: list[CrashReportOut]


class RunPageOut(Schema):
    items: list[RunOut]
    next_cursor: str | None


class SignatureOut(Schema):
    id: int
    title: str
    crash_type: str
    status: str
    duplicate_of_id: int | None
    fixed_by: str
    first_seen: datetime | None
    last_seen: datetime | None
    report_count: int


class SignaturePageOut(Schema):
    items: list[SignatureOut]
    next_cursor: str | None


class RateOut(Schema):
    kernel_id: int
    kernel: str
    config_id: int
    config: str
    reproducer_id: int
    reproducer: str
    runs: int
    kernel_results: int
    crashes: int
    hangs: int
    errors: int
    skips: int
    rate: float | None
    low: float | None
    high: float | None


class SummaryOut(Schema):
    since: datetime | None
    rows: list[RateOut]
