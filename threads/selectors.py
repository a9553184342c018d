"""Read queries for the thread and series pages (no writes here)."""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from threads.models import (
    InlineDiff,
    Link,
    Message,
    Patch,
    Series,
    SeriesVersion,
    Thread,
    Trailer,
)

STATUS_ORDER = [s.value for s in Patch.Status]


@dataclass
class ThreadLine:
    thread: Thread
    versions: list[SeriesVersion] = field(default_factory=list)
    statuses: list[tuple[str, str, int]] = field(default_factory=list)  # value, label, count


def threads_list() -> QuerySet[Thread]:
    return Thread.objects.annotate(
        message_count=Count("messages", filter=Q(messages__is_placeholder=False)),
        placeholder_count=Count("messages", filter=Q(messages__is_placeholder=True)),
        last_message_at=Max("messages__date"),
    ).order_by("-updated_at", "-pk")


def thread_lines(threads: list[Thread]) -> list[ThreadLine]:
    """Each thread with its newest series version and the statuses of the patches it discusses."""
    patch_ids: dict[int, set[int]] = defaultdict(set)
    rows = Message.objects.filter(thread__in=threads).filter(
        Q(patch__isnull=False) | Q(about_patch__isnull=False)
    ).values_list("thread_id", "patch__id", "about_patch_id")
    for thread_id, own, about in rows:
        patch_ids[thread_id].update(p for p in (own, about) if p)
    patches = Patch.objects.filter(
        pk__in={p for ids in patch_ids.values() for p in ids}
    ).select_related("series_version__series")
    by_pk = {p.pk: p for p in patches}
    lines = []
    for thread in threads:
        mine = [by_pk[p] for p in patch_ids.get(thread.pk, ()) if p in by_pk]
        versions = {p.series_version.pk: p.series_version for p in mine}
        newest = sorted(versions.values(), key=lambda v: (v.series_id, -v.version))
        counts = Counter(p.status for p in mine)
        lines.append(ThreadLine(
            thread, newest[:1] if len({v.series_id for v in newest}) <= 1 else newest,
            [(s, Patch.Status(s).label, counts[s]) for s in STATUS_ORDER if counts[s]],
        ))
    return lines


def _message_queryset() -> QuerySet[Message]:
    return Message.objects.select_related(
        "author", "placeholder_source", "patch__series_version__series",
        "about_patch__series_version__series",
    ).prefetch_related(
        Prefetch("trailers", queryset=Trailer.objects.order_by("pk")),
        Prefetch("inline_diffs", queryset=InlineDiff.objects.select_related("proposed_in")
                 .order_by("start_line")),
        Prefetch("links", queryset=Link.objects.select_related("source").order_by("pk")
                 .prefetch_related("source__gist_files__crash_texts",  # crash titles
                                   "source__commits")),
        "crash_texts",
    )


@dataclass
class Node:
    message: Message
    children: list[Node] = field(default_factory=list)


def thread_tree(*, thread_id: int) -> tuple[Thread, list[Node], int]:
    """The reply tree, roots first, each level by date; and the number of messages."""
    thread = get_object_or_404(Thread, pk=thread_id)
    messages = list(_message_queryset().filter(thread=thread).order_by("date", "pk"))
    nodes = {m.pk: Node(m) for m in messages}
    roots = []
    for m in messages:
        parent = nodes.get(m.parent_id) if m.parent_id else None
        (parent.children if parent and parent is not nodes[m.pk] else roots).append(nodes[m.pk])
    return thread, roots, len(messages)


def message_detail(
    *, pk: int | None = None, msgid: str | None = None, thread_id: int | None = None
) -> Message:
    query = Q(pk=pk) if pk is not None else Q(msgid=msgid)
    if thread_id is not None:
        query &= Q(thread_id=thread_id)
    return get_object_or_404(
        _message_queryset().select_related("thread", "parent__author"), query
    )


def message_replies(*, message: Message) -> QuerySet[Message]:
    return message.replies.select_related("author").order_by("date", "pk")


@dataclass
class Cell:
    version: SeriesVersion
    patch: Patch | None
    trailers: list[Trailer]
    previous: int | None = None  # the version number to diff against, when both are known


def evidence_labels(patches: list[Patch]) -> dict[str, Message]:
    """The messages named as status evidence, by Message-ID (with author), in one query."""
    ids = {msgid for p in patches for msgid in p.status_evidence}
    return {
        m.msgid: m for m in Message.objects.filter(msgid__in=ids).select_related("author")
    }


def series_grid(*, series_id: int) -> tuple[Series, list[SeriesVersion], list[dict]]:
    """Patches x versions: one row per patch number, one cell per version."""
    series = get_object_or_404(Series.objects.select_related("author"), pk=series_id)
    versions = list(series.versions.select_related("cover", "superseded_by").order_by("version"))
    patches = Patch.objects.filter(series_version__series=series).select_related(
        "message", "series_version"
    ).prefetch_related(Prefetch("trailers", queryset=Trailer.objects.select_related("message")))
    cover_trailers = defaultdict(list)
    for t in Trailer.objects.filter(series_version__series=series, patch__isnull=True):
        cover_trailers[t.series_version_id].append(t)
    by_key = {(p.series_version_id, p.number): p for p in patches}
    evidence = evidence_labels(list(by_key.values()))
    rows = []
    for number in sorted({p.number for p in by_key.values()}):
        cells, previous = [], None
        for v in versions:
            patch = by_key.get((v.pk, number))
            if patch is not None:
                patch.evidence = [evidence.get(msgid, msgid) for msgid in patch.status_evidence]
            trailers = (list(patch.trailers.all()) if patch else []) + cover_trailers[v.pk]
            cells.append(Cell(v, patch, trailers, previous if patch and patch.message_id else None))
            if patch and patch.message_id:
                previous = v.version
        name = next((c.patch.name for c in reversed(cells) if c.patch), "")
        rows.append({"number": number, "name": name, "cells": cells})
    return series, versions, rows


def patch_interdiff(*, series_id: int, number: int, old: int, new: int) -> str | None:
    """Unified diff of patch ``number`` between versions ``old`` and ``new``; None if unknown."""
    texts = []
    for version in (old, new):
        patch = Patch.objects.filter(
            series_version__series_id=series_id, series_version__version=version, number=number
        ).select_related("message").first()
        if patch is None or patch.message is None:
            return None
        diff = patch.message.inline_diffs.filter(quote_depth=0).order_by("start_line").first()
        texts.append((diff.text if diff else patch.message.body).splitlines())
    return "\n".join(difflib.unified_diff(
        texts[0], texts[1], f"v{old}/{number}", f"v{new}/{number}", lineterm=""
    ))
