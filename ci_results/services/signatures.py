"""Crash signatures: found or created for a report's title, their status and its history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from ci_results.models import CrashReport, CrashSignature, SignatureEvent

Status = CrashSignature.Status


class StatusError(ValueError):
    """A status change that makes no sense (duplicate of itself, of nothing, ...)."""


def signature_for(*, title: str, alt_titles: Iterable[str] = (), crash_type: str = "",
                  user=None) -> CrashSignature:
    """The signature a report belongs to: by title, else by one of its alternative titles
    (the way syzbot merges a report whose main title changed), else a new one."""
    try:  # get(), not filter().first(): no ORDER BY to add, a third less CPU per parsed log
        found: CrashSignature | None = CrashSignature.objects.get(title=title)
    except CrashSignature.DoesNotExist:
        found = None
    if found is None:
        alts = [t for t in alt_titles if t and t != title]
        if alts:
            by_alt = {s.title: s for s in CrashSignature.objects.filter(title__in=alts)}
            found = next((by_alt[t] for t in alts if t in by_alt), None)
    if found is not None:
        return found
    try:
        with transaction.atomic():  # savepoint: a concurrent parse may create it first
            signature = CrashSignature.objects.create(title=title, crash_type=crash_type)
            SignatureEvent.objects.create(signature=signature, kind=SignatureEvent.Kind.CREATED,
                                          new_status=Status.OPEN, user=user)
            return signature
    except IntegrityError:
        return CrashSignature.objects.get(title=title)


def signature_count_reports(*, signature_id: int, count: int, first_seen: datetime,
                            last_seen: datetime, representative_id: int) -> None:
    """``count`` more reports seen between ``first_seen`` and ``last_seen``: counters and
    first/last seen move in one atomic UPDATE (the representative is the first ever).

    Written as SQL: it runs for every parsed log, and Django compiling the expressions
    cost more CPU than the statement itself. (SQLite's two-argument MIN/MAX are
    PostgreSQL's LEAST/GREATEST.)
    """
    least, greatest = ("MIN", "MAX") if connection.vendor == "sqlite" else ("LEAST", "GREATEST")
    table = connection.ops.quote_name(CrashSignature._meta.db_table)
    first = connection.ops.adapt_datetimefield_value(first_seen)
    last = connection.ops.adapt_datetimefield_value(last_seen)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET report_count = report_count + %s, "
            f"first_seen = {least}(COALESCE(first_seen, %s), %s), "
            f"last_seen = {greatest}(COALESCE(last_seen, %s), %s), "
            f"representative_id = COALESCE(representative_id, %s) WHERE id = %s",
            [count, first, first, last, last, representative_id, signature_id],
        )


def signatures_recount(*, signature_ids: Iterable[int]) -> None:
    """Recompute counts, first/last seen and the representative report from the reports."""
    for sig_id in sorted(set(signature_ids)):
        agg = CrashReport.objects.filter(signature_id=sig_id).aggregate(
            n=Count("id"), first=Min("seen_at"), last=Max("seen_at"), rep=Min("id")
        )
        CrashSignature.objects.filter(pk=sig_id).update(
            report_count=agg["n"], first_seen=agg["first"], last_seen=agg["last"],
            representative=agg["rep"],
        )


@transaction.atomic
def signature_set_status(
    *,
    signature: CrashSignature,
    status: str,
    user=None,
    duplicate_of: CrashSignature | None = None,
    fixed_by: str = "",
    note: str = "",
) -> SignatureEvent:
    """Mark a signature open, fixed (by a commit SHA or Message-ID), invalid, or a duplicate
    of another; the change is recorded with who made it and when."""
    if status not in Status.values:
        raise StatusError(f"unknown status {status!r}")
    if status == Status.DUPLICATE:
        if duplicate_of is None:
            raise StatusError("a duplicate needs the signature it duplicates")
        canonical = duplicate_of
        seen = {signature.pk}
        while canonical.duplicate_of_id is not None:  # duplicate of a duplicate: follow it
            if canonical.pk in seen:
                break
            seen.add(canonical.pk)
            canonical = canonical.duplicate_of
        if canonical.pk == signature.pk or duplicate_of.pk == signature.pk:
            raise StatusError("a signature cannot be a duplicate of itself")
        duplicate_of = canonical
    elif duplicate_of is not None:
        raise StatusError("only a duplicate names another signature")
    if status == Status.FIXED and not fixed_by.strip():
        raise StatusError("a fixed signature needs the fixing commit or Message-ID")
    locked = CrashSignature.objects.select_for_update().get(pk=signature.pk)
    old = locked.status
    locked.status = status
    locked.duplicate_of = duplicate_of
    locked.fixed_by = fixed_by.strip() if status == Status.FIXED else ""
    locked.save(update_fields=["status", "duplicate_of", "fixed_by"])
    signature.status, signature.duplicate_of, signature.fixed_by = (
        locked.status, locked.duplicate_of, locked.fixed_by)
    return SignatureEvent.objects.create(
        signature=locked, kind=SignatureEvent.Kind.STATUS, user=user, old_status=old,
        new_status=status, duplicate_of=duplicate_of, fixed_by=locked.fixed_by, note=note,
        at=timezone.now(),
    )
