"""What changed in a time window, read once and shared by every digest of that window.

``window_changes`` runs a fixed number of queries whatever the number of subscribers; each
subscriber's digest is then a filter over it (``dashboard.digests.content``), so the number
of SQL queries per digest does not grow with the data or the subscriber count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, Sum

from ci_results.models import CrashReport, CrashSignature, Kernel, Rollup, SignatureEvent
from ci_results.stats import RateChange, RateEstimate, fix_verdict, rate_change
from threads.models import Message, Patch, SeriesVersion, Source

EXCERPT_LINES = 4
MAX_ITEMS = 200  # per kind and window: a digest is a summary, the site has the rest


@dataclass(frozen=True)
class NewMessage:
    thread_id: int
    thread_subject: str
    message_id: int
    author: str
    subject: str
    date: datetime | None
    excerpt: tuple[str, ...]


@dataclass(frozen=True)
class PatchStatusChange:
    thread_id: int | None
    patch_id: int
    name: str
    version: int
    number: int
    status: str
    reason: str
    series_id: int


@dataclass(frozen=True)
class NewVersion:
    thread_id: int | None
    series_id: int
    name: str
    version: int
    total: int | None


@dataclass(frozen=True)
class SignatureChange:
    signature_id: int
    title: str
    crash_type: str
    what: str  # "new" or "status"
    status: str
    note: str
    config_ids: frozenset[int] = frozenset()
    reproducer_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RateShift:
    kernel: str
    config_id: int
    config: str
    reproducer_id: int
    reproducer: str
    change: RateChange


@dataclass(frozen=True)
class VerdictChange:
    base: str
    fix: str
    config_id: int
    config: str
    reproducer_id: int
    reproducer: str
    old: str
    new: str
    p_value: float | None
    fix_rate: RateEstimate
    base_rate: RateEstimate
    explanation: str


@dataclass(frozen=True)
class FailingSource:
    thread_id: int | None
    kind: str
    url: str
    error: str
    failures: int


@dataclass
class Changes:
    """The kinds of change a digest reports, in the order it reports them."""

    messages: list[NewMessage] = field(default_factory=list)
    patch_changes: list[PatchStatusChange] = field(default_factory=list)
    new_versions: list[NewVersion] = field(default_factory=list)
    signatures: list[SignatureChange] = field(default_factory=list)
    rate_shifts: list[RateShift] = field(default_factory=list)
    verdicts: list[VerdictChange] = field(default_factory=list)
    failing_sources: list[FailingSource] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(items) for items in vars(self).values() if isinstance(items, list))

    @property
    def empty(self) -> bool:
        return self.item_count == 0


@dataclass
class WindowChanges(Changes):
    """Everything that changed in [start, end), for every subscriber."""

    start: datetime | None = None
    end: datetime | None = None


def _excerpt(text: str) -> tuple[str, ...]:
    lines = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    return tuple(lines[:EXCERPT_LINES])


def _messages(start: datetime, end: datetime) -> list[NewMessage]:
    rows = (
        Message.objects.filter(first_seen_at__gte=start, first_seen_at__lt=end,
                               is_placeholder=False)
        .select_related("thread", "author")
        .order_by("thread_id", "date", "id")[:MAX_ITEMS]
    )
    return [
        NewMessage(
            thread_id=m.thread_id, thread_subject=m.thread.subject, message_id=m.pk,
            author=(m.author.name or m.author.address) if m.author else "unknown",
            subject=m.subject, date=m.date, excerpt=_excerpt(m.new_text or m.body),
        )
        for m in rows
    ]


def _patch_changes(start: datetime, end: datetime) -> list[PatchStatusChange]:
    rows = (
        Patch.objects.filter(status_updated_at__gte=start, status_updated_at__lt=end)
        .select_related("series_version", "message")
        .order_by("series_version__series_id", "series_version__version", "number")[:MAX_ITEMS]
    )
    return [
        PatchStatusChange(
            thread_id=p.message.thread_id if p.message else None, patch_id=p.pk, name=p.name,
            version=p.series_version.version, number=p.number, status=p.get_status_display(),
            reason=p.status_reason, series_id=p.series_version.series_id,
        )
        for p in rows
    ]


def _new_versions(start: datetime, end: datetime) -> list[NewVersion]:
    rows = (
        SeriesVersion.objects.filter(first_seen_at__gte=start, first_seen_at__lt=end)
        .select_related("series", "cover")
        .order_by("series_id", "version")[:MAX_ITEMS]
    )
    return [
        NewVersion(
            thread_id=v.cover.thread_id if v.cover else None, series_id=v.series_id,
            name=v.name or v.series.name, version=v.version, total=v.total,
        )
        for v in rows
    ]


def _signature_dimensions(signature_ids: set[int]) -> dict[int, tuple[set[int], set[int]]]:
    dims: dict[int, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    if not signature_ids:
        return dims
    pairs = (
        CrashReport.objects.filter(signature_id__in=signature_ids, run__isnull=False)
        .values_list("signature_id", "run__config_id", "run__reproducer_id")
        .distinct()
    )
    for sig, config, reproducer in pairs:
        dims[sig][0].add(config)
        dims[sig][1].add(reproducer)
    return dims


def _signatures(start: datetime, end: datetime) -> list[SignatureChange]:
    new = list(
        CrashSignature.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by("created_at", "id")[:MAX_ITEMS]
    )
    events = list(
        SignatureEvent.objects.filter(at__gte=start, at__lt=end, kind=SignatureEvent.Kind.STATUS)
        .select_related("signature", "duplicate_of")
        .order_by("at", "id")[:MAX_ITEMS]
    )
    dims = _signature_dimensions({s.pk for s in new} | {e.signature_id for e in events})
    changes = [
        SignatureChange(
            signature_id=s.pk, title=s.title, crash_type=s.crash_type, what="new",
            status=s.status, note="", config_ids=frozenset(dims[s.pk][0]),
            reproducer_ids=frozenset(dims[s.pk][1]),
        )
        for s in new
    ]
    for e in events:
        note = e.note
        if e.duplicate_of:
            note = f"duplicate of: {e.duplicate_of.title}"
        elif e.fixed_by:
            note = f"fixed by {e.fixed_by}"
        changes.append(SignatureChange(
            signature_id=e.signature_id, title=e.signature.title,
            crash_type=e.signature.crash_type, what="status",
            status=f"{e.old_status or 'open'} -> {e.new_status}", note=note,
            config_ids=frozenset(dims[e.signature_id][0]),
            reproducer_ids=frozenset(dims[e.signature_id][1]),
        ))
    return changes


Key = tuple[int, int, int]  # kernel, config, reproducer


def _rollup_sums(condition: Q) -> dict[Key, tuple[int, int]]:
    rows = (
        Rollup.objects.filter(condition)
        .values("kernel_id", "config_id", "reproducer_id")
        .annotate(p=Sum("passes"), c=Sum("crashes"), h=Sum("hangs"))
    )
    # Failures are crashes and hangs (a "fix" that turns a crash into a hang is no fix), out
    # of kernel results; error and skip runs are infrastructure and never count.
    return {
        (r["kernel_id"], r["config_id"], r["reproducer_id"]):
            (r["c"] + r["h"], r["p"] + r["c"] + r["h"])
        for r in rows
    }


@dataclass
class _Names:
    kernels: dict[int, Kernel]
    configs: dict[int, str]
    reproducers: dict[int, str]


def _names(keys: set[Key]) -> _Names:
    from ci_results.models import Config, Reproducer

    kernel_ids = {k for k, _, _ in keys}
    kernels = {k.pk: k for k in Kernel.objects.filter(Q(pk__in=kernel_ids) | Q(
        pk__in=Kernel.objects.filter(pk__in=kernel_ids).values("base_id")))}
    configs = dict(Config.objects.filter(pk__in={c for _, c, _ in keys})
                   .values_list("pk", "name"))
    reproducers = dict(Reproducer.objects.filter(pk__in={r for _, _, r in keys})
                       .values_list("pk", "name"))
    return _Names(kernels, configs, reproducers)


def _kernel_label(kernel: Kernel | None) -> str:
    return str(kernel) if kernel else "unknown kernel"


def _rate_shifts(
    before: dict[Key, tuple[int, int]], during: dict[Key, tuple[int, int]], names: _Names
) -> list[RateShift]:
    shifts = []
    for key, new in sorted(during.items()):
        old = before.get(key)
        if not old or not old[1] or not new[1]:
            continue
        change = rate_change(old, new)
        if change.significant:
            kernel, config, reproducer = key
            shifts.append(RateShift(
                kernel=_kernel_label(names.kernels.get(kernel)), config_id=config,
                config=names.configs.get(config, "?"), reproducer_id=reproducer,
                reproducer=names.reproducers.get(reproducer, "?"), change=change,
            ))
    return shifts[:MAX_ITEMS]


def _verdicts(
    before: dict[Key, tuple[int, int]], total: dict[Key, tuple[int, int]], names: _Names
) -> list[VerdictChange]:
    changes = []
    for (kernel_id, config, reproducer), fix_now in sorted(total.items()):
        kernel = names.kernels.get(kernel_id)
        if kernel is None or kernel.base_id is None:
            continue
        base_key = (kernel.base_id, config, reproducer)
        base_now = total.get(base_key)
        if not base_now:
            continue
        now = fix_verdict(base_now[0], base_now[1], fix_now[0], fix_now[1])
        base_then = before.get(base_key, (0, 0))
        fix_then = before.get((kernel_id, config, reproducer), (0, 0))
        then = fix_verdict(base_then[0], base_then[1], fix_then[0], fix_then[1])
        if then.verdict != now.verdict:
            changes.append(VerdictChange(
                base=_kernel_label(names.kernels.get(kernel.base_id)), fix=_kernel_label(kernel),
                config_id=config, config=names.configs.get(config, "?"),
                reproducer_id=reproducer, reproducer=names.reproducers.get(reproducer, "?"),
                old=then.verdict, new=now.verdict, p_value=now.p_value, fix_rate=now.fix,
                base_rate=now.base, explanation=now.explanation,
            ))
    return changes[:MAX_ITEMS]


def _failing_sources(start: datetime, end: datetime) -> list[FailingSource]:
    rows = (
        Source.objects.filter(consecutive_failures__gt=0, last_checked_at__gte=start,
                              last_checked_at__lt=end)
        .order_by("thread_id", "kind", "id")[:MAX_ITEMS]
    )
    return [
        FailingSource(thread_id=s.thread_id, kind=s.get_kind_display(), url=s.url,
                      error=s.last_error, failures=s.consecutive_failures)
        for s in rows
    ]


def window_changes(*, start: datetime, end: datetime) -> WindowChanges:
    """Everything that changed in [start, end): a fixed number of queries.

    Crash rates come from the daily rollups: the window's days are compared with all days
    before it, so a rate change is judged on whole days (the digest period is days anyway).
    """
    first_day, last_day = start.date(), end.date()
    before = _rollup_sums(Q(day__lt=first_day))
    during = _rollup_sums(Q(day__gte=first_day, day__lte=last_day))
    total = {k: (before.get(k, (0, 0))[0] + v[0], before.get(k, (0, 0))[1] + v[1])
             for k, v in during.items()}
    for key, value in before.items():
        total.setdefault(key, value)
    names = _names(set(during) | set(before)) if during else _Names({}, {}, {})
    return WindowChanges(
        start=start, end=end,
        messages=_messages(start, end),
        patch_changes=_patch_changes(start, end),
        new_versions=_new_versions(start, end),
        signatures=_signatures(start, end),
        rate_shifts=_rate_shifts(before, during, names) if during else [],
        verdicts=_verdicts(before, total, names) if during else [],
        failing_sources=_failing_sources(start, end),
    )
