"""Request and response schemas of the CI API (pydantic, through django-ninja).

Every string that reaches a database column refuses NUL (PostgreSQL text cannot hold it)
and is bounded by its column's length; JSON objects are checked the same way, recursively.
The console log may hold NUL (serial consoles print garbage): it is stored as a file.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
    field_validator,
)

MAX_BATCH = 1000
NO_NUL = r"^[^\x00]*$"


def _text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[
        str, StringConstraints(max_length=max_length, min_length=min_length, pattern=NO_NUL)
    ]


def _clean_json(value: Any, depth: int = 0) -> Any:
    """Free-form JSON (vm, params) made storable: NUL in a string, which PostgreSQL's jsonb
    cannot hold and JSON Schema cannot forbid, becomes U+FFFD."""
    if depth > 32:
        raise ValueError("nested too deeply (at most 32 levels)")
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_clean_json(k, depth + 1): _clean_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_json(item, depth + 1) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite")
    return value


def _json_number(value: Any) -> Any:
    # pydantic would read true as 1 and "5" as 5; JSON Schema says a number is a number.
    if isinstance(value, bool | str | bytes):
        raise ValueError("must be a JSON number")
    return value


JsonObject = Annotated[dict[str, Any], AfterValidator(_clean_json)]
def _count(high: int) -> Any:
    return Annotated[int, Field(ge=0, le=high), BeforeValidator(_json_number)]


Seconds = Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False), BeforeValidator(_json_number)]
# RFC 3339 (the OpenAPI "date-time" format) limited to the years every database and Python's
# datetime round-trip; pydantic alone would accept more (no zone, no seconds, numbers).
ISO_RANGE = (r"^(19[7-9][0-9]|2[01][0-9][0-9])-[01][0-9]-[0-3][0-9]"
             r"[Tt][0-2][0-9]:[0-5][0-9]:[0-6][0-9](\.[0-9]+)?([Zz]|[+-][0-2][0-9]:[0-5][0-9])$")
RFC3339 = (r"^[0-9]{4}-[01][0-9]-[0-3][0-9][Tt][0-2][0-9]:[0-5][0-9]:[0-6][0-9](\.[0-9]+)?"
           r"([Zz]|[+-][0-2][0-9]:[0-5][0-9])$")
Name = _text(200, 1)
Small = _text(100)
INT32 = 2**31 - 1


class PatchIn(BaseModel):
    kind: Literal["series", "commit"]
    ref: _text(300, 1) = Field(description="Message-ID of the series version, or commit SHA")


class KernelIn(BaseModel):
    tree: Name = Field(description="mainline, linux-next, stable, a git URL ...")
    version: _text(100, 1) = Field(description='as the kernel prints it: "6.9.0-rc6"')
    tag: Small = ""
    commit: _text(64) = ""
    label: Name | Literal[""] = ""
    patches: list[PatchIn] = Field(default_factory=list, max_length=200)


class ConfigIn(BaseModel):
    name: Name
    filesystem: _text(50) = ""
    block_size: _count(INT32) | None = None
    min_folio_order: _count(32) | None = None
    arch: _text(50) = ""
    kconfig_hash: _text(128) = ""
    params: JsonObject = Field(default_factory=dict)


class ReproducerIn(BaseModel):
    name: Name
    description: _text(10_000) = ""
    script: _text(1_000_000) = ""


class RunIn(BaseModel):
    """One run as CI posts it; (the token's origin, run_id) is the idempotency key."""

    run_id: Name
    origin: Small | None = Field(
        default=None, description="optional; when given it must be the token's origin"
    )
    kernel: KernelIn
    config: ConfigIn
    reproducer: ReproducerIn
    outcome: Literal["pass", "crash", "hang", "error", "skip"]
    started_at: datetime = Field(
        description="RFC 3339 date-time with a zone, years 1970-2199",
        json_schema_extra={"pattern": ISO_RANGE},
    )
    duration_s: Seconds | None = None
    iterations: _count(INT32) | None = None
    host: _text(200) = ""
    vm: JsonObject = Field(default_factory=dict)
    console_log: str | None = Field(
        default=None, description="the console log as text; or upload it gzip-compressed"
    )

    @field_validator("started_at", mode="before")
    @classmethod
    def _iso_text(cls, value: Any) -> Any:
        # pydantic would read a number as a Unix time; the schema says ISO 8601 text.
        if isinstance(value, datetime):
            return value
        if not isinstance(value, str) or not re.match(ISO_RANGE, value):
            raise ValueError("must be an RFC 3339 date-time with a zone "
                             "(2024-04-30T10:38:04Z), years 1970-2199")
        return value

    @field_validator("started_at")
    @classmethod
    def _in_range(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        try:
            value = value.astimezone(UTC)
        except OverflowError:
            raise ValueError("out of range") from None
        if not (1969 <= value.year <= 2200):  # 1969: 1970-01-01T00:00+05:00 in UTC
            raise ValueError("must be between the years 1970 and 2200")
        return value


class RunBatchIn(BaseModel):
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
    rate: float | None = Field(description="(crashes + hangs) / kernel_results")
    low: float | None = Field(description="Wilson 95% interval, lower bound")
    high: float | None = Field(description="Wilson 95% interval, upper bound")


class SummaryOut(Schema):
    since: datetime | None
    rows: list[RateOut]
