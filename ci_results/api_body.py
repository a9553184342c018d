"""Reading the body of ``POST /api/v1/runs`` by hand, so every failure is a precise 4xx.

The body is JSON (one run, or ``{"runs": [...]}``) or multipart/form-data with a ``payload``
part holding that JSON and gzip console logs as files: ``console_log`` for a single run,
``console_log:<run_id>`` in a batch. Django's own body limits would turn a large batch into a
generic error, so the size is checked here against ``settings.API_MAX_BODY_BYTES``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from pydantic import ValidationError

from ci_results.schemas import RunBatchIn, RunIn

LOG_FIELD = "console_log"


class BodyError(Exception):
    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass
class RunsBody:
    runs: list[RunIn]
    logs_gz: dict[str, BinaryIO] = field(default_factory=dict)


def _no_constants(name: str) -> Any:
    # NaN and Infinity are not JSON; Python's json module would accept them.
    raise ValueError(f"{name} is not valid JSON")


def _loads(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BodyError(400, f"malformed JSON: {exc}") from None


def field_errors(exc: ValidationError, prefix: tuple = ()) -> list[dict]:
    """Every field at fault, as ``{"loc": [...], "msg": ..., "type": ...}``."""
    return [
        {"loc": [*prefix, *err["loc"]], "msg": err["msg"], "type": err["type"]}
        for err in exc.errors(include_url=False, include_input=False)
    ]


def _validate(data: Any) -> list[RunIn]:
    if isinstance(data, dict) and "runs" in data:
        try:
            return RunBatchIn.model_validate(data).runs
        except ValidationError as exc:
            raise BodyError(422, field_errors(exc, ("body",))) from None
    if not isinstance(data, dict):
        raise BodyError(422, [{"loc": ["body"], "type": "model_type",
                               "msg": "expected a run object or {\"runs\": [...]}"}])
    try:
        return [RunIn.model_validate(data)]
    except ValidationError as exc:
        raise BodyError(422, field_errors(exc, ("body",))) from None


def _check_size(request: HttpRequest) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BodyError(400, "bad Content-Length header") from None
    if length > settings.API_MAX_BODY_BYTES:
        raise BodyError(413, f"request body over {settings.API_MAX_BODY_BYTES} bytes")


def _read_json(request: HttpRequest) -> bytes:
    limit = settings.API_MAX_BODY_BYTES
    raw = request.read(limit + 1)  # not request.body: that applies Django's smaller limit
    if len(raw) > limit:
        raise BodyError(413, f"request body over {limit} bytes")
    return raw


def _read_multipart(request: HttpRequest) -> RunsBody:
    try:
        payload = request.POST.get("payload")
        files = request.FILES
    except RequestDataTooBig:
        raise BodyError(413, "a form field is too large") from None
    except (MultiPartParserError, SuspiciousOperation) as exc:
        raise BodyError(400, f"malformed multipart body: {exc}") from None
    if payload is None:
        raise BodyError(422, [{"loc": ["body", "payload"], "type": "missing",
                               "msg": "the multipart body needs a 'payload' part (JSON)"}])
    runs = _validate(_loads(payload.encode("utf-8", errors="surrogateescape")))
    logs_gz: dict[str, BinaryIO] = {}
    for name in files:
        if name == LOG_FIELD and len(runs) == 1:
            logs_gz[runs[0].run_id] = files[name]
        elif name.startswith(LOG_FIELD + ":"):
            logs_gz[name[len(LOG_FIELD) + 1:]] = files[name]
        else:
            raise BodyError(422, [{"loc": ["body", name], "type": "unexpected_file",
                                   "msg": f"files are named {LOG_FIELD} (single run) or "
                                          f"{LOG_FIELD}:<run_id>"}])
    for run_id in logs_gz:
        run = next((r for r in runs if r.run_id == run_id), None)
        if run is not None and run.console_log is not None:
            raise BodyError(422, [{"loc": ["body", f"{LOG_FIELD}:{run_id}"], "type": "conflict",
                                   "msg": "a run has either inline console_log or an upload"}])
    return RunsBody(runs, logs_gz)


def read_runs_body(request: HttpRequest) -> RunsBody:
    """The validated runs of a request, or BodyError(400/413/415/422)."""
    _check_size(request)
    content_type = (request.content_type or "").lower()
    if content_type == "application/json":
        return RunsBody(_validate(_loads(_read_json(request))))
    if content_type == "multipart/form-data":
        return _read_multipart(request)
    raise BodyError(415, "send application/json or multipart/form-data")


def request_body_openapi() -> dict:
    """The requestBody of ``POST /runs`` for the OpenAPI document (see api.KbdAPI).

    Only the JSON form is declared: OpenAPI cannot say that a multipart part holds JSON of a
    given schema, so the multipart form is described in the operation's text instead.
    """
    ref = "#/components/schemas/{model}"
    run = {"$ref": ref.format(model="RunIn")}
    batch = {"$ref": ref.format(model="RunBatchIn")}
    return {
        "required": True,
        "content": {
            "application/json": {"schema": {"anyOf": [run, batch]}},
        },
    }


def component_schemas() -> dict:
    """RunIn / RunBatchIn and their parts as OpenAPI components."""
    schema = RunBatchIn.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    defs["RunBatchIn"] = schema
    return defs
