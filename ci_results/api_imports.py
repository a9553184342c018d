"""Imports over HTTP: ``POST /api/v1/xunit`` (fstests result.xml) and ``POST /api/v1/kcidb``.

Mounted on the CI API by ``ci_results.api`` with its bearer-token auth. Each view reads the
body, calls the pure parser, and records the runs through ``runs.runs_record``, the one ingest
service (idempotency, all-or-nothing, log parsing after commit). Malformed input is 400, a
schema violation 422 naming every field, over the size limit 413, another content type 415.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field
from pydantic import ValidationError as PydanticError

from ci_results.models import CIToken
from ci_results.parsing import kcidb, xunit
from ci_results.schemas import ErrorOut, RunIn, RunResultOut, ValidationErrorOut
from ci_results.services import runs

router = Router(tags=["imports"])
XML_TYPES = ("application/xml", "text/xml")
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 415: ErrorOut,
          422: ValidationErrorOut}


class IgnoredOut(Schema):
    id: str
    reason: str


class ImportOut(Schema):
    status: str  # created | unchanged | conflict (as POST /runs)
    results: list[RunResultOut]
    ignored: list[IgnoredOut] = Field(default_factory=list)


class XunitQuery(Schema):
    origin: str | None = Field(None, max_length=100, description="must be the token's origin")
    kernel: str = Field("", max_length=100, pattern=r"^[^\x00]*$",
                        description="kernel version (uname -r); default: the KERNEL property")
    tree: str = Field("unknown", min_length=1, max_length=200, pattern=r"^[^\x00]*$")
    commit: str = Field("", max_length=64, pattern=r"^[^\x00]*$")


class ImportRejected(Exception):
    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def _body(request: HttpRequest, content_types: tuple[str, ...]) -> bytes:
    if (request.content_type or "").lower() not in content_types:
        raise ImportRejected(415, f"send {' or '.join(content_types)}")
    limit = settings.API_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ImportRejected(400, "bad Content-Length header") from None
    raw = b"" if declared > limit else request.read(limit + 1)
    if declared > limit or len(raw) > limit:
        raise ImportRejected(413, f"request body over {limit} bytes")
    return raw


def _fields(error: xunit.XunitSchemaError | kcidb.KcidbSchemaError) -> list[dict]:
    return [{"loc": ["body", where], "msg": what, "type": "schema"}
            for where, what in error.fields]


def _validated(payloads: list[dict]) -> list[RunIn]:
    """The runs as the runs API would take them; a value no run can hold is a 422 naming
    the run (e.g. a KCIDB start_time in the year 1)."""
    valid, detail = [], []
    for payload in payloads:
        try:
            valid.append(RunIn.model_validate(payload))
        except PydanticError as exc:
            detail += [{"loc": ["body", payload["run_id"], *e["loc"]], "msg": e["msg"],
                        "type": e["type"]}
                       for e in exc.errors(include_url=False, include_input=False)]
    if detail:
        raise ImportRejected(422, detail)
    return valid


def _record(origin: Any, payloads: list[dict], ignored: tuple = ()) -> Status:
    try:
        result = runs.runs_record(origin=origin, payloads=_validated(payloads))
    except runs.OriginMismatch as exc:
        raise ImportRejected(403, str(exc)) from None
    return Status(result.http_status, {
        "status": result.status,
        "results": [r.__dict__ for r in result.results],
        "ignored": [{"id": i, "reason": why} for i, why in ignored],
    })


def _inline(node: Any, defs: dict, in_properties: bool = False) -> Any:
    """The KCIDB schema with its $refs inlined and its long texts left out, for OpenAPI."""
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    if isinstance(node, str):
        return node.replace("\\0", "\\x00")  # "[^\0]" in patterns: not every generator reads \0
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _inline(defs[node["$ref"].rsplit("/", 1)[1]], defs)
    dropped = () if in_properties else ("$defs", "$schema", "$id", "description", "examples")
    return {k: _inline(v, defs, in_properties=k == "properties" and not in_properties)
            for k, v in node.items() if k not in dropped}


def kcidb_openapi_schema() -> dict:
    schema = _inline(kcidb.SCHEMA.json, kcidb.SCHEMA.json["$defs"])
    schema["description"] = "A KCIDB v5 submission (the v5.3 schema of kcidb-io)"
    return schema


XML_BODY = {"required": True, "content": {
    "application/xml": {"schema": {"type": "string", "description": "fstests result.xml"}}}}
JSON_BODY = {"required": True, "content": {"application/json": {"schema": kcidb_openapi_schema()}}}


@router.post("/xunit", response={200: ImportOut, 201: ImportOut, 409: ImportOut, **ERRORS},
             openapi_extra={"requestBody": XML_BODY},
             summary="Import an fstests xunit report: one run per testcase, section = config")
def post_xunit(request: HttpRequest, query: Query[XunitQuery]):
    token: CIToken = request.auth
    try:
        if query.origin is not None and query.origin != token.origin.name:
            raise ImportRejected(403, f"this token is for origin {token.origin.name!r}")
        report = xunit.parse_xunit(_body(request, XML_TYPES))
        payloads = xunit.find_runs(report, tree=query.tree, kernel=query.kernel,
                                   commit=query.commit)
        return _record(token.origin, payloads)
    except xunit.XunitError as exc:
        return Status(400, {"detail": str(exc)})
    except xunit.XunitSchemaError as exc:
        return Status(422, {"detail": _fields(exc)})
    except ImportRejected as exc:
        return Status(exc.status, {"detail": exc.detail})


@router.post("/kcidb", response={200: ImportOut, 201: ImportOut, 409: ImportOut, **ERRORS},
             openapi_extra={"requestBody": JSON_BODY},
             summary="Import a KCIDB v5 submission: one run per finished test")
def post_kcidb(request: HttpRequest):
    """Every test must come from the token's origin (403 otherwise)."""
    token: CIToken = request.auth
    try:
        found = kcidb.find_runs(kcidb.parse_kcidb(_body(request, ("application/json",))))
        others = sorted({r["origin"] for r in found.runs} - {token.origin.name})
        if others:
            raise ImportRejected(403, f"tests of origins {others}; this token is for "
                                      f"{token.origin.name!r}")
        return _record(token.origin, list(found.runs), found.ignored)
    except kcidb.KcidbError as exc:
        return Status(400, {"detail": str(exc)})
    except kcidb.KcidbSchemaError as exc:
        return Status(422, {"detail": _fields(exc)})
    except ImportRejected as exc:
        return Status(exc.status, {"detail": exc.detail})
