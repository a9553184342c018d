"""The HTTP API for CI systems: /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Views parse the request, call one service or selector, and answer; every error a client can
cause is a declared 4xx with a JSON ``detail``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Path, Query, Status
from ninja.errors import AuthorizationError, ValidationError
from ninja.security import HttpBearer
from pydantic import BeforeValidator

from ci_results import selectors
from ci_results.api_body import BodyError, component_schemas, read_runs_body, request_body_openapi
from ci_results.models import CIToken, Run
from ci_results.schemas import (
    RFC3339,
    BatchOut,
    ErrorOut,
    RateOut,
    RunOut,
    RunPageOut,
    SignatureOut,
    SignaturePageOut,
    SummaryOut,
    ValidationErrorOut,
)
from ci_results.services import logs, runs, tokens

MAX_ID = 2**63 - 1
CURSOR = r"^[0-9]{1,18}$"
Outcome = Literal["pass", "crash", "hang", "error", "skip"]
SigStatus = Literal["open", "fixed", "invalid", "duplicate"]
ERRORS_READ = {400: ErrorOut, 422: ValidationErrorOut}


class KbdAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {}).update(
            component_schemas())
        return schema


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``: unknown token 401, revoked token 403."""

    def authenticate(self, request: HttpRequest, token: str) -> CIToken | None:
        try:
            return tokens.token_authenticate(secret=token)
        except tokens.TokenInvalid:
            return None
        except tokens.TokenRevoked as exc:
            raise AuthorizationError(message=str(exc)) from None


api = KbdAPI(
    title="kbd: kernel bug dashboard CI API",
    version="1",
    description="CI systems post reproducer runs; the dashboard groups crashes and rates.",
    urls_namespace="ci-api",
)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = [{"loc": list(e.get("loc", [])), "msg": str(e.get("msg", "")),
               "type": str(e.get("type", ""))} for e in exc.errors]
    return api.create_response(request, {"detail": detail}, status=422)


def _matching(pattern: str, what: str) -> Any:
    # pydantic alone reads more than the schema says (numbers as Unix times, no zone ...).
    def check(value: Any) -> Any:
        if not isinstance(value, str) or not re.match(pattern, value):
            raise ValueError(f"expected {what}")
        return value

    return BeforeValidator(check)


IsoDateTime = Annotated[datetime, _matching(RFC3339, "an RFC 3339 date-time with a zone")]
IsoDate = Annotated[date, _matching(r"^[0-9]{4}-[01][0-9]-[0-3][0-9]$", "a date YYYY-MM-DD")]
LOW, HIGH = datetime(1970, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)


def _clamp(value: datetime | None) -> datetime | None:
    """A time filter far outside the data's years selects the same as the nearest bound."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 with an offset
        return LOW if value.year < 2000 else HIGH
    return min(max(value, LOW), HIGH)


@api.post(
    "/runs",
    auth=BearerToken(),
    response={201: BatchOut, 200: BatchOut, 409: BatchOut, 400: ErrorOut, 401: ErrorOut,
              403: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ValidationErrorOut},
    openapi_extra={"requestBody": request_body_openapi()},
    summary="Post one run or a batch (all or nothing)",
)
def post_runs(request: HttpRequest):
    """201 created, 200 unchanged (same content posted before), 409 conflict (a run id
    stored with other content; nothing is written).

    JSON: one run, or ``{"runs": [...]}`` (up to 1,000). To upload gzip console logs, send
    ``multipart/form-data`` with a ``payload`` part holding that JSON and files named
    ``console_log`` (single run) or ``console_log:<run_id>`` (batch).
    """
    token: CIToken = request.auth
    try:
        body = read_runs_body(request)
        result = runs.runs_record(origin=token.origin, payloads=body.runs,
                                  logs_gz=body.logs_gz)
    except BodyError as exc:
        return Status(exc.status, {"detail": exc.detail})
    except runs.OriginMismatch as exc:
        return Status(403, {"detail": str(exc)})
    except (runs.UnknownLog, logs.LogError) as exc:
        return Status(422, {"detail": [{"loc": ["body", "console_log"], "msg": str(exc),
                                        "type": "value_error"}]})
    # The ingest hot path: the BatchOut document is built here, not validated against the
    # schema on every request (tests check that it matches BatchOut).
    return api.create_response(request, {
        "status": result.status,
        "results": [r.__dict__ for r in result.results],
    }, status=result.http_status)


def _run_out(run: Run) -> dict:
    return {
        "id": run.pk, "origin": run.origin.name, "run_id": run.run_id,
        "kernel": run.kernel, "config": run.config, "reproducer": run.reproducer,
        "outcome": run.outcome, "started_at": run.started_at, "duration_s": run.duration_s,
        "iterations": run.iterations, "host": run.host, "vm": run.vm,
        "has_log": bool(run.log_path), "log_size": run.log_size,
        "received_at": run.received_at, "parsed_at": run.parsed_at,
        "synthetic": run.origin.is_demo, "crash_reports": list(run.crash_reports.all()),
    }


@api.get("/runs", response={200: RunPageOut, **ERRORS_READ}, summary="Runs, newest first")
def list_runs(
    request: HttpRequest,
    kernel: int | None = Query(None, ge=1, le=MAX_ID, description="kernel id"),
    config: str | None = Query(None, max_length=200, description="config name"),
    reproducer: str | None = Query(None, max_length=200, description="reproducer name"),
    outcome: Outcome | None = None,
    signature: int | None = Query(None, ge=1, le=MAX_ID, description="crash signature id"),
    since: IsoDateTime | None = Query(None, description="runs started at or after"),
    cursor: str | None = Query(None, pattern=CURSOR, description="next_cursor of a page"),
    limit: int = Query(50, ge=1, le=500),
):
    try:
        items, next_cursor = selectors.runs_page(
            kernel=kernel, config=config, reproducer=reproducer, outcome=outcome,
            signature=signature, since=_clamp(since), cursor=cursor, limit=limit,
        )
    except selectors.BadCursor as exc:
        return Status(400, {"detail": str(exc)})
    return {"items": [_run_out(r) for r in items], "next_cursor": next_cursor}


@api.get("/runs/{pk}", response={200: RunOut, 404: ErrorOut, 422: ValidationErrorOut},
         summary="One run")
def get_run(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)):
    run = selectors.run_detail(pk=pk)
    if run is None:
        return Status(404, {"detail": "no such run"})
    return _run_out(run)


@api.get("/signatures", response={200: SignaturePageOut, **ERRORS_READ},
         summary="Crash signatures, newest first")
def list_signatures(
    request: HttpRequest,
    status: SigStatus | None = None,
    cursor: str | None = Query(None, pattern=CURSOR, description="next_cursor of a page"),
    limit: int = Query(50, ge=1, le=500),
):
    try:
        items, next_cursor = selectors.signatures_page(status=status, cursor=cursor,
                                                        limit=limit)
    except selectors.BadCursor as exc:
        return Status(400, {"detail": str(exc)})
    return {"items": [SignatureOut.from_orm(s) for s in items], "next_cursor": next_cursor}


@api.get("/summary", response={200: SummaryOut, 422: ValidationErrorOut},
         summary="Crash rates per kernel x config x reproducer (Wilson 95%)")
def summary(
    request: HttpRequest,
    since: IsoDate | None = Query(None, description="first day counted (UTC)"),
    include_demo: bool = Query(True, description="count the synthetic demo runs"),
):
    start = _clamp(datetime(since.year, since.month, since.day, tzinfo=UTC)) if since else None
    day = start.date() if start else None
    rows = selectors.rates_summary(since=day, include_demo=include_demo)
    return {
        "since": datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None,
        "rows": [RateOut(
            kernel_id=r.kernel_id, kernel=r.kernel, config_id=r.config_id, config=r.config,
            reproducer_id=r.reproducer_id, reproducer=r.reproducer, runs=r.runs,
            kernel_results=r.kernel_results, crashes=r.crashes, hangs=r.hangs,
            errors=r.errors, skips=r.skips, rate=r.estimate.rate,
            low=r.estimate.low if r.kernel_results else None,
            high=r.estimate.high if r.kernel_results else None,
        ) for r in rows],
    }


# POST /xunit and /kcidb (fstests and KCIDB imports) live in ci_results.api_imports; same auth.
api.add_router("", "ci_results.api_imports.router", auth=BearerToken())
