"""KCIDB v5 submissions (JSON) -> validated data -> run payloads. Pure.

Validation uses the schema that the ``kcidb-io`` package ships (the KCIDB project's own), with
jsonschema's Draft 7 validator and format checks, as KCIDB does. Every submission is checked
against the latest v5 schema (5.3), which itself accepts minor versions 0 to 3: minor versions
only relax rules or add optional fields, so this takes any 5.x submission (and a 5.1 one using
a 5.3 field too). Every error is reported with its place, e.g.
``tests[0].status: 'BROKEN' is not one of [...]``.

One run per KCIDB test, in the run vocabulary:
- ``PASS`` and ``DONE`` (completed, no verdict on the code): ``pass``;
- ``FAIL`` (the test reported the tested code as faulty): ``crash`` — a kernel result that
  counts in rates and fix verdicts — or ``hang`` when the log excerpt holds a hung-task report
  and no crash;
- ``ERROR`` and ``MISS`` (the test or the harness broke; the code's state is unknown): ``error``;
- ``SKIP``: ``skip``.
A test without a status is unfinished and is not imported; nor is one whose build or checkout
is not in the submission, or that has no start time anywhere (the run needs a kernel, a config
and a time). Each is listed in ``KcidbImport.ignored`` with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema
from kcidb_io import schema as kcidb_schema

from ci_results.parsing.crash import kernel_failure
from ci_results.parsing.types import FieldErrors

MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_ERRORS = 50
SCHEMA = kcidb_schema.V5_3
OUTCOMES = {"PASS": "pass", "DONE": "pass", "FAIL": "crash", "ERROR": "error", "MISS": "error",
            "SKIP": "skip"}


class KcidbError(ValueError):
    """Not JSON, or too large (HTTP 400)."""


class KcidbSchemaError(FieldErrors):
    """JSON that is not a valid KCIDB v5 submission (422)."""


@dataclass(frozen=True)
class KcidbImport:
    runs: tuple[dict, ...]  # payloads in the shape of POST /api/v1/runs, with "origin"
    ignored: tuple[tuple[str, str], ...]  # (test id, why it was not imported)


@cache
def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(SCHEMA.json,
                                      format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def _where(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or "(root)"


def _refuse_constant(name: str) -> None:
    raise KcidbError(f"malformed JSON: {name} is not a JSON number")


def parse_kcidb(data: bytes | str | dict, max_bytes: int = MAX_JSON_BYTES) -> dict:
    """Load and validate a submission; returns the data unchanged.

    >>> parse_kcidb('{"version": {"major": 5, "minor": 3}, "tests": [{"id": "kdevops:1", '
    ...             '"build_id": "kdevops:b1", "origin": "kdevops", "status": "FAIL"}]}'
    ...             )["tests"][0]["status"]
    'FAIL'
    """
    if not isinstance(data, dict):
        raw = data.encode() if isinstance(data, str) else data
        if len(raw) > max_bytes:
            raise KcidbError(f"JSON larger than {max_bytes} bytes")
        try:
            data = json.loads(raw, parse_constant=_refuse_constant)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise KcidbError(f"malformed JSON: {exc}") from exc
        except RecursionError:
            raise KcidbError("malformed JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise KcidbSchemaError(["(root): a KCIDB submission is a JSON object"])
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.path)))
    if errors:
        raise KcidbSchemaError([f"{_where(e.absolute_path)}: {e.message}"
                                for e in errors[:MAX_ERRORS]])
    return data


def find_runs(data: dict) -> KcidbImport:
    """Turn each test of a validated submission into a run payload (see the module doc)."""
    checkouts = {c["id"]: c for c in data.get("checkouts", [])}
    builds = {b["id"]: b for b in data.get("builds", [])}
    runs: list[dict] = []
    ignored: list[tuple[str, str]] = []
    for test in data.get("tests", []):
        build = builds.get(test["build_id"])
        checkout = checkouts.get(build["checkout_id"]) if build else None
        started = test.get("start_time") or (build or {}).get("start_time") or (
            checkout or {}).get("start_time")
        if not test.get("status"):
            ignored.append((test["id"], "no status yet: the test has not finished"))
        elif build is None:
            ignored.append((test["id"], f"build {test['build_id']} is not in the submission"))
        elif checkout is None:
            ignored.append((test["id"],
                            f"checkout {build['checkout_id']} is not in the submission"))
        elif not started:
            ignored.append((test["id"], "no start_time on the test, its build or checkout"))
        else:
            runs.append(_payload(test, build, checkout, started))
    return KcidbImport(tuple(runs), tuple(ignored))


def _outcome(test: dict) -> str:
    outcome = OUTCOMES[test["status"]]
    excerpt = test.get("log_excerpt", "")
    if outcome == "crash" and kernel_failure(excerpt) == "hang":
        return "hang"
    return outcome


def _kernel(checkout: dict) -> dict:
    commit = checkout.get("git_commit_hash", "")
    tags = checkout.get("git_commit_tags") or []
    kernel = {
        "tree": checkout.get("tree_name") or checkout.get("git_repository_url") or "unknown",
        "version": (checkout.get("git_commit_name") or (tags[0] if tags else "")
                    or commit[:12] or checkout["id"])[:100],
        "tag": tags[0][:100] if tags else "",
        "commit": commit,
        "patches": [],
    }
    # A patchset mailed to a list is known by the Message-ID of its mail.
    if checkout.get("patchset_files") and checkout.get("message_id"):
        kernel["patches"] = [{"kind": "series", "ref": checkout["message_id"]}]
    elif checkout.get("patchset_hash"):
        kernel["label"] = f"patchset {checkout['patchset_hash'][:16]}"
    return kernel


def _payload(test: dict, build: dict, checkout: dict, started: str) -> dict:
    arch = build.get("architecture", "")
    environment = test.get("environment") or {}
    excerpt = test.get("log_excerpt")
    vm = {k: v for k, v in environment.items() if k != "comment"}
    if test.get("log_url"):
        vm["log_url"] = test["log_url"]
    return {
        "run_id": test["id"],
        "origin": test["origin"],
        "kernel": _kernel(checkout),
        "config": {
            "name": "/".join(p for p in (build.get("config_name") or "unknown", arch) if p)[:200],
            "arch": arch,
            "params": {k: build[k] for k in ("compiler", "config_url") if build.get(k)},
        },
        "reproducer": {"name": (test.get("path") or "(build)")[:200],
                       "description": test.get("comment", "")[:10_000]},
        "outcome": _outcome(test),
        "started_at": started,
        "duration_s": test.get("duration"),
        "host": environment.get("comment", "")[:200],
        "vm": vm,
        "console_log": excerpt if excerpt else None,
    }
