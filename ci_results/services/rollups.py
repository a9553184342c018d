"""The rollup table: runs per day x kernel x config x reproducer, kept exact on ingest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date

from django.db import connection

from ci_results.models import Rollup

# Outcome -> rollup column.
COLUMN = {"pass": "passes", "crash": "crashes", "hang": "hangs", "error": "errors",
          "skip": "skips"}
COUNTERS = ("runs", "passes", "crashes", "hangs", "errors", "skips")

RollupKey = tuple[date, int, int, int]  # day, kernel_id, config_id, reproducer_id


def rollup_increments(rows: Iterable[tuple[RollupKey, str]]) -> dict[RollupKey, Counter]:
    """(key, outcome) pairs -> per-key counters."""
    out: dict[RollupKey, Counter] = {}
    for key, outcome in rows:
        counter = out.setdefault(key, Counter())
        counter["runs"] += 1
        counter[COLUMN[outcome]] += 1
    return out


def rollup_add(*, increments: dict[RollupKey, Counter]) -> None:
    """Add counts in one atomic upsert per key, inside the caller's transaction.

    Invariant: each rollup row equals the count of committed runs with its key, even with
    concurrent writers: ``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`` takes the
    row lock, so no increment is lost, and it commits or rolls back with the runs themselves.
    Keys are applied in sorted order so two batches never lock rows in opposite orders
    (which would deadlock on PostgreSQL).
    """
    if not increments:
        return
    table = connection.ops.quote_name(Rollup._meta.db_table)
    cols = ", ".join(COUNTERS)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTERS)
    keys = sorted(increments)
    with connection.cursor() as cursor:
        # Chunks keep the statement under SQLite's bound-parameter limit.
        for start in range(0, len(keys), 50):
            chunk = keys[start:start + 50]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            params: list = []
            for key in chunk:
                counter = increments[key]
                params.extend([*key, *(counter.get(c, 0) for c in COUNTERS)])
            cursor.execute(
                f"INSERT INTO {table} (day, kernel_id, config_id, reproducer_id, {cols}) "
                f"VALUES {values} "
                f"ON CONFLICT (day, kernel_id, config_id, reproducer_id) DO UPDATE SET {updates}",
                params,
            )


def with_rollup_cte(insert_runs_sql: str) -> str:
    """PostgreSQL: wrap ``INSERT INTO run ... RETURNING id, run_id`` so the same statement
    upserts the rollup rows of the runs it inserted (skipped conflicts count nothing).

    Same invariant as ``rollup_add``: atomic ``n = n + excluded.n`` upserts, keys sorted.
    """
    table = connection.ops.quote_name(Rollup._meta.db_table)
    returning = insert_runs_sql.rindex("RETURNING ")
    cols = ", ".join(COUNTERS)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTERS)
    counts = ", ".join(f"count(*) FILTER (WHERE outcome = '{o}')" for o in COLUMN)
    return (
        f"WITH ins AS ({insert_runs_sql[:returning]}RETURNING id, run_id, kernel_id, config_id, "
        f"reproducer_id, outcome, started_at), "
        f"roll AS (INSERT INTO {table} (day, kernel_id, config_id, reproducer_id, {cols}) "
        f"SELECT (started_at AT TIME ZONE 'UTC')::date, kernel_id, config_id, reproducer_id, "
        f"count(*), {counts} FROM ins GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 "
        f"ON CONFLICT (day, kernel_id, config_id, reproducer_id) DO UPDATE SET {updates}) "
        f"SELECT id, run_id FROM ins"
    )


def rollup_rebuild() -> int:
    """Recount every rollup row from the runs (repair tool; ingest keeps them exact)."""
    from django.db import transaction
    from django.db.models import Count, Q
    from django.db.models.functions import TruncDate

    from ci_results.models import Run

    with transaction.atomic():
        Rollup.objects.all().delete()
        rows = (
            Run.objects.annotate(day=TruncDate("started_at", tzinfo=UTC))
            .values("day", "kernel_id", "config_id", "reproducer_id")
            .annotate(
                runs=Count("id"),
                **{COLUMN[o]: Count("id", filter=Q(outcome=o)) for o in COLUMN},
            )
        )
        Rollup.objects.bulk_create(Rollup(**row) for row in rows)
    return Rollup.objects.count()
