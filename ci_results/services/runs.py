"""Recording runs posted by CI: the one ingest use case behind the API and the importers."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from ci_results.models import Origin, Run
from ci_results.schemas import RunIn
from ci_results.services import dimensions, logs, rollups


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
    runs are parsed after commit (``ci_results.tasks.new_logs_enqueue``).
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
            objs = _build_cached(origin, prepared) if not (outer or attempt) else None
            if objs is not None:
                # One run, every dimension id cached: the one INSERT (rollups included) is
                # atomic by itself and writes nothing on a conflict, so no BEGIN/COMMIT.
                result = _record(origin, prepared, use_cache=True, objs=objs)
                if result.status != "conflict":
                    _enqueue_parsing(result, prepared)
                return result
            with transaction.atomic():
                result = _record(origin, prepared, use_cache=not outer)
                if result.status == "conflict":
                    transaction.set_rollback(True)
                else:
                    _enqueue_parsing(result, prepared)
            return result
        except IntegrityError:
            # A cached kernel/config/reproducer id was deleted under us (only tests and
            # demo removal delete them), or a run vanished mid-race: forget the cache and
            # do it once more.
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


def _build_cached(origin: Origin, prepared: list[_Prepared]) -> list[Run] | None:
    """The single run of a request built from cached dimension ids alone (PostgreSQL), else
    None: the caller then records it in a transaction."""
    if len(prepared) != 1 or connection.vendor != "postgresql":
        return None
    try:
        return _build(origin, prepared, use_cache=True, cached_only=True)
    except dimensions.NotCached:
        return None


def _record(origin: Origin, prepared: list[_Prepared], *, use_cache: bool,
            objs: list[Run] | None = None) -> BatchResult:
    """Insert first (``ON CONFLICT DO NOTHING``), then classify what was skipped.

    Invariant: (origin, run_id) is unique. A run another request stored first (even one
    committing while we insert: PostgreSQL waits for it) is skipped by the INSERT, never an
    error, and compared by content hash: same -> unchanged, different -> conflict, and a
    conflict makes the caller roll the whole batch back.
    """
    first: dict[str, _Prepared] = {}
    for item in prepared:
        first.setdefault(item.run.run_id, item)  # a run repeated in the batch is written once
    if objs is None:
        objs = _build(origin, list(first.values()), use_cache=use_cache)
    # PostgreSQL: runs and their rollup increments in one statement (one round trip less).
    counted = connection.vendor == "postgresql"
    inserted = _insert(objs, with_rollups=counted)
    skipped = [run_id for run_id in first if run_id not in inserted]
    existing = _existing(origin, skipped) if skipped else {}
    results = []
    for item in prepared:
        run_id = item.run.run_id
        head = first[run_id]
        if run_id in inserted:
            pk, digest = inserted[run_id], head.content_hash
            status = "created" if item is head else "unchanged"
        elif run_id in existing:
            digest, pk = existing[run_id]
            status = "unchanged"
        else:  # skipped, yet gone: a concurrent writer rolled back; the caller retries
            raise IntegrityError(f"run {run_id!r} vanished while being stored")
        detail = ""
        if item.content_hash != digest:
            status = "conflict"
            detail = ("repeated in the batch with other content" if item is not head
                      and run_id in inserted else "stored before with different content")
        results.append(RunResult(run_id, status, pk, detail))
    if any(r.status == "conflict" for r in results):
        return BatchResult([r if r.status == "conflict" else RunResult(
            r.run_id, "rejected", None, "not stored: another run of the batch conflicts")
            for r in results])
    if not counted:
        rollups.rollup_add(increments=rollups.rollup_increments(
            ((r.started_at.date(), r.kernel_id, r.config_id, r.reproducer_id), r.outcome)
            for r in objs if r.run_id in inserted
        ))
    return BatchResult(results)


def _build(origin: Origin, items: list[_Prepared], *, use_cache: bool,
           cached_only: bool = False) -> list[Run]:
    local: dict[tuple[str, str], int] = {}

    def resolve(kind: str, value: Any) -> int:
        key = (kind, json.dumps(value, sort_keys=True, default=str))
        if key not in local:
            func = {"kernel": dimensions.kernel_resolve, "config": dimensions.config_resolve,
                    "reproducer": dimensions.reproducer_resolve}[kind]
            local[key] = func(**{kind: value, "use_cache": use_cache,
                                 "cached_only": cached_only})
        return local[key]

    objs = []
    for item in items:
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
    return objs


def _insert(objs: list[Run], *, with_rollups: bool = False) -> dict[str, int]:
    """``INSERT ... ON CONFLICT (origin_id, run_id) DO NOTHING RETURNING id, run_id``: the
    run ids actually inserted, with their new ids (PostgreSQL and SQLite >= 3.35).

    ``with_rollups`` (PostgreSQL): the same statement adds the inserted rows to the rollups
    (see ``rollups.ROLLUP_CTE``), so a run and its count commit or roll back together.
    """
    if not objs:
        return {}
    db = connections[DEFAULT_DB_ALIAS]  # ``connection`` is a proxy: a lookup per attribute
    fields = _insert_fields()
    inserted: dict[str, int] = {}
    with _cursor(db) as cursor:
        if db.vendor == "postgresql" and len(objs) > 1:
            # The rows as one JSON document: the statement text stays short and the same
            # for every batch size (psycopg re-parses a long statement, 1,700 placeholders
            # for 100 runs, on every execution), and one json.dumps costs a fifth of what
            # adapting every value for psycopg did.
            rows = [{f.column: _json_value(f, obj) for f in fields} for obj in objs]
            cursor.execute(_insert_json_sql(with_rollups),
                           [json.dumps(rows, default=_json_default)])
            inserted.update({run_id: pk for pk, run_id in cursor.fetchall()})
        else:
            for start in range(0, len(objs), 500):
                chunk = objs[start:start + 500]
                params = [f.get_db_prep_save(f.pre_save(obj, True), db)
                          for obj in chunk for f in fields]
                cursor.execute(_insert_sql(db.vendor, len(chunk), with_rollups), params)
                inserted.update({run_id: pk for pk, run_id in cursor.fetchall()})
    for obj in objs:
        obj.pk = inserted.get(obj.run_id)
    return inserted


def _insert_fields() -> list[Any]:
    return [f for f in Run._meta.concrete_fields if not f.primary_key]


def _insert_head() -> str:
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns = ", ".join(qn(f.column) for f in _insert_fields())
    return f"INSERT INTO {qn(Run._meta.db_table)} ({columns})"


def _insert_tail(with_rollups: bool, sql: str) -> str:
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    sql += f" ON CONFLICT (origin_id, run_id) DO NOTHING RETURNING {qn('id')}, {qn('run_id')}"
    return rollups.with_rollup_cte(sql) if with_rollups else sql


@functools.lru_cache(maxsize=64)
def _insert_sql(vendor: str, rows: int, with_rollups: bool) -> str:
    row = "(" + ", ".join(["%s"] * len(_insert_fields())) + ")"
    return _insert_tail(with_rollups, f"{_insert_head()} VALUES {', '.join([row] * rows)}")


@functools.lru_cache(maxsize=2)
def _insert_json_sql(with_rollups: bool) -> str:
    """PostgreSQL: the rows of one JSON array parameter, typed by ``jsonb_to_recordset``.
    Text, not ``varchar(n)``: a cast to ``varchar(n)`` would silently cut an overlong
    value, the insert's own assignment rejects it."""
    db = connections[DEFAULT_DB_ALIAS]
    qn = db.ops.quote_name
    columns = ", ".join(
        f"{qn(f.column)} {'text' if f.db_type(db).startswith('varchar') else f.db_type(db)}"
        for f in _insert_fields())
    names = ", ".join(qn(f.column) for f in _insert_fields())
    return _insert_tail(with_rollups, f"{_insert_head()} SELECT {names} FROM "
                                      f"jsonb_to_recordset(%s::jsonb) AS r({columns})")


def _json_value(field: Any, obj: Run) -> Any:
    value = field.pre_save(obj, True)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _json_default(value: Any) -> Any:
    raise TypeError(f"a run field holds {type(value).__name__}, not a JSON value")


def _cursor(db: BaseDatabaseWrapper) -> Any:
    """PostgreSQL: a cursor that sends the parameters apart from the statement (server-side
    binding) instead of quoting every value into the SQL text: about 0.2 ms less CPU for a
    single run, more for a batch. Elsewhere Django's usual cursor. (Not prepared: Django
    turns psycopg's prepared statements off for connection poolers, and measured on this
    statement they saved nothing.)"""
    if db.vendor != "postgresql":
        return db.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor  # needs psycopg 3

    db.ensure_connection()
    db.validate_thread_sharing()
    raw = ServerBindingCursor(db.connection)
    return db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)


def _enqueue_parsing(result: BatchResult, prepared: list[_Prepared]) -> None:
    with_log = {p.run.run_id for p in prepared if p.log is not None}
    ids = [r.id for r in result.results
           if r.status == "created" and r.run_id in with_log and r.id is not None]
    if not ids:
        return
    from ci_results import tasks  # tasks import services: import at call time

    # Robust: the runs are stored whatever happens to the broker, so the client must get its
    # answer (the error is logged; beat's drain parses the logs once the broker is back).
    transaction.on_commit(lambda: tasks.new_logs_enqueue(list(dict.fromkeys(ids))), robust=True)
