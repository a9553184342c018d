"""Recording runs posted by CI: the one ingest use case behind the API and the importers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import IntegrityError, connection, transaction

from ci_results.models import Origin, Run
from ci_results.schemas import RunIn
from ci_results.services import dimensions, logs, rollups

# How many times a batch is re-read after losing an insert race on the unique key.
RACE_RETRIES = 5


class OriginMismatch(Exception):
    """A run names an origin other than the token's (403)."""


class UnknownLog(ValueError):
    """An uploaded log names a run id that is not in the batch (422)."""


@dataclass(frozen=True)
class RunResult:
    run_id: str
    status: str  # created | unchanged | conflict | rejected
    id: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class BatchResult:
    results: list[RunResult] = field(default_factory=list)

    @property
    def status(self) -> str:
        statuses = {r.status for r in self.results}
        if "conflict" in statuses:
            return "conflict"
        return "created" if "created" in statuses else "unchanged"

    @property
    def http_status(self) -> int:
        return {"conflict": 409, "created": 201, "unchanged": 200}[self.status]

    @property
    def created_ids(self) -> list[int]:
        return [r.id for r in self.results if r.status == "created" and r.id is not None]


@dataclass
class _Prepared:
    run: RunIn
    content_hash: str
    log: logs.StoredLog | None


def content_hash(*, run: RunIn, log_sha256: str) -> str:
    """SHA-256 of the canonical posted content (the log by its hash, however it came)."""
    data = run.model_dump(mode="json", exclude={"console_log", "origin"})
    data["log_sha256"] = log_sha256
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def runs_record(
    *,
    origin: Origin,
    payloads: Sequence[RunIn | Mapping[str, Any]],
    logs_gz: Mapping[str, BinaryIO] | None = None,
) -> BatchResult:
    """Store a batch of runs (a single run is a batch of one), all or nothing.

    ``payloads`` are ``RunIn`` schemas or plain dicts of the same shape (validated here);
    ``logs_gz`` maps a run id to a gzip stream of its console log (an upload), as an
    alternative to the inline ``console_log`` text. Per run: ``created``, ``unchanged``
    (same content was stored before) or ``conflict`` (the run id exists with different
    content); one conflict rejects the whole batch and nothing is written. Logs of created
    runs are parsed after commit by ``ci_results.tasks.parse_run_log``.
    """
    runs = [p if isinstance(p, RunIn) else RunIn.model_validate(p) for p in payloads]
    for run in runs:
        if run.origin is not None and run.origin != origin.name:
            raise OriginMismatch(
                f"run {run.run_id!r} names origin {run.origin!r}; this token is for "
                f"{origin.name!r}"
            )
    logs_gz = logs_gz or {}
    unknown = set(logs_gz) - {r.run_id for r in runs}
    if unknown:
        raise UnknownLog(f"uploaded logs for run ids not in the request: {sorted(unknown)}")
    prepared = [_prepare(run, logs_gz.get(run.run_id)) for run in runs]

    outer = connection.in_atomic_block
    for attempt in range(2):
        try:
            with transaction.atomic():
                result = _record(origin, prepared, use_cache=not outer)
                if result.status == "conflict":
                    transaction.set_rollback(True)
                else:
                    _enqueue_parsing(result, prepared)
            return result
        except IntegrityError:
            # A cached kernel/config/reproducer id was deleted under us (only tests and
            # demo removal delete them): forget the cache and do it once more.
            if outer or attempt:
                raise
            dimensions.dimensions_forget()
    raise AssertionError("unreachable")


def _prepare(run: RunIn, upload: BinaryIO | None) -> _Prepared:
    stored = None
    if upload is not None:
        stored = logs.log_store_gzip(stream=upload)
    elif run.console_log is not None:
        stored = logs.log_store_text(text=run.console_log)
    return _Prepared(run, content_hash(run=run, log_sha256=stored.sha256 if stored else ""),
                     stored)


def _existing(origin: Origin, run_ids: list[str]) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for start in range(0, len(run_ids), 500):
        rows = Run.objects.filter(origin=origin, run_id__in=run_ids[start:start + 500])
        for run_id, digest, pk in rows.values_list("run_id", "content_hash", "pk"):
            found[run_id] = (digest, pk)
    return found


def _classify(
    prepared: list[_Prepared], existing: dict[str, tuple[str, int]]
) -> tuple[list[RunResult | None], list[_Prepared]]:
    """Results known before writing (unchanged/conflict) and the runs left to create."""
    results: list[RunResult | None] = []
    to_create: list[_Prepared] = []
    in_batch: dict[str, str] = {}
    for item in prepared:
        run_id = item.run.run_id
        if run_id in in_batch:
            same = in_batch[run_id] == item.content_hash
            results.append(RunResult(run_id, "unchanged" if same else "conflict", None,
                                     "" if same else "repeated in the batch with other content"))
        elif run_id in existing:
            digest, pk = existing[run_id]
            same = digest == item.content_hash
            results.append(RunResult(run_id, "unchanged" if same else "conflict", pk,
                                     "" if same else "stored before with different content"))
        else:
            results.append(None)
            to_create.append(item)
        in_batch.setdefault(run_id, item.content_hash)
    return results, to_create


def _record(origin: Origin, prepared: list[_Prepared], *, use_cache: bool) -> BatchResult:
    for _ in range(RACE_RETRIES):
        existing = _existing(origin, list({p.run.run_id for p in prepared}))
        results, to_create = _classify(prepared, existing)
        if any(r is not None and r.status == "conflict" for r in results):
            return BatchResult([r or RunResult(p.run.run_id, "rejected", None,
                                               "not stored: another run of the batch conflicts")
                                for r, p in zip(results, prepared, strict=True)])
        try:
            created = _insert(origin, to_create, use_cache=use_cache)
        except IntegrityError:
            # Invariant: (origin, run_id) is unique. A concurrent request stored one of
            # these runs first; its savepoint is rolled back, so re-read and classify again.
            continue
        ids = iter(created)
        final = [r or RunResult(p.run.run_id, "created", next(ids))
                 for r, p in zip(results, prepared, strict=True)]
        # A run repeated inside the batch points at the row its first copy created.
        first_id = {r.run_id: r.id for r in final if r.status == "created"}
        return BatchResult([RunResult(r.run_id, r.status, r.id or first_id.get(r.run_id),
                                      r.detail) for r in final])
    raise IntegrityError("runs_record lost the insert race too many times")


def _insert(origin: Origin, to_create: list[_Prepared], *, use_cache: bool) -> list[int]:
    if not to_create:
        return []
    local: dict[tuple[str, str], int] = {}

    def resolve(kind: str, value: Any) -> int:
        key = (kind, json.dumps(value, sort_keys=True, default=str))
        if key not in local:
            func = {"kernel": dimensions.kernel_resolve, "config": dimensions.config_resolve,
                    "reproducer": dimensions.reproducer_resolve}[kind]
            local[key] = func(**{kind: value, "use_cache": use_cache})
        return local[key]

    objs = []
    for item in to_create:
        run = item.run
        objs.append(Run(
            origin=origin, run_id=run.run_id,
            kernel_id=resolve("kernel", run.kernel.model_dump()),
            config_id=resolve("config", run.config.model_dump()),
            reproducer_id=resolve("reproducer", run.reproducer.model_dump()),
            outcome=run.outcome, started_at=run.started_at, duration_s=run.duration_s,
            iterations=run.iterations, host=run.host, vm=run.vm,
            log_path=item.log.path if item.log else "",
            log_size=item.log.size if item.log else None,
            log_sha256=item.log.sha256 if item.log else "",
            content_hash=item.content_hash,
        ))
    with transaction.atomic():  # a savepoint: losing the race must not abort the batch
        Run.objects.bulk_create(objs, batch_size=500)
    rollups.rollup_add(increments=rollups.rollup_increments(
        ((r.started_at.date(), r.kernel_id, r.config_id, r.reproducer_id), r.outcome)
        for r in objs
    ))
    return [r.pk for r in objs]


def _enqueue_parsing(result: BatchResult, prepared: list[_Prepared]) -> None:
    with_log = {p.run.run_id for p in prepared if p.log is not None}
    ids = [r.id for r in result.results
           if r.status == "created" and r.run_id in with_log and r.id is not None]
    if not ids:
        return
    from ci_results import tasks  # tasks import services: import at call time

    def enqueue() -> None:
        for pk in dict.fromkeys(ids):
            tasks.parse_run_log.delay(pk)

    transaction.on_commit(enqueue)
