"""Ingest: a parsed mail (or a whole mbox) into threads, trees, series, trailers and diffs.

Invariant (idempotency): a Message-ID is stored once; the same mail again is counted as a
duplicate and changes nothing. A placeholder (known from quotes) is the only row a mail
may overwrite, and it is overwritten in place so the replies below it stay attached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from time import monotonic
from typing import BinaryIO

from django.db import reset_queries, transaction
from django.utils import timezone

from threads.models import Message, Patch, Thread
from threads.parsing.ancestors import find_quoted_ancestors
from threads.parsing.diff import find_diffs
from threads.parsing.mbox import iter_mbox
from threads.parsing.message import parse_message
from threads.parsing.quotes import parse_body
from threads.parsing.subject import parse_subject
from threads.parsing.types import MessageParseError, ParsedMessage
from threads.services import content
from threads.services.common import clean, clean_all
from threads.services.context import IngestContext
from threads.services.people import PersonCache, person_get_or_create
from threads.services.placeholders import (
    placeholder_find_replaceable,
    placeholder_ids_learn,
    placeholders_create,
)
from threads.services.series import patch_mail_record, reply_target_find, versions_link
from threads.services.status import patches_status_refresh
from threads.services.tree import (
    chain_ids,
    depths_recompute,
    orphans_attach,
    thread_resolve,
    thread_touch,
)

SOURCES = {choice.value for choice in Message.Source}
BATCH_SIZE = 500  # messages per transaction in an mbox import


@dataclass(frozen=True)
class IngestResult:
    message: Message
    thread: Thread
    status: str  # "new", "duplicate", or "replaced" (a placeholder became the real mail)
    placeholders: int = 0  # ancestors reconstructed from this mail's quotes

    @property
    def created(self) -> bool:
        return self.status != "duplicate"


@dataclass(frozen=True)
class FailedMessage:
    position: int  # 1-based rank in the mbox
    msgid: str  # "" when the mail could not be parsed far enough
    reason: str


@dataclass
class IngestSummary:
    new: int = 0
    duplicate: int = 0
    replaced: int = 0
    failed: list[FailedMessage] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.new + self.duplicate + self.replaced + len(self.failed)


def message_ingest(
    *, parsed: ParsedMessage, source: str, thread: Thread | None = None
) -> IngestResult:
    """Stores one parsed mail (any entry point: lore, lkml.iu.edu, a file, the demo seed)."""
    ctx = IngestContext()
    with transaction.atomic():
        result = _ingest(ctx, parsed=parsed, source=source, thread=thread)
        _finish(ctx)
    return result


def messages_ingest_mbox(
    *, stream: BinaryIO, source: str = "file", thread: Thread | None = None,
    progress: Callable[[IngestSummary], None] | None = None, batch_size: int = BATCH_SIZE,
) -> IngestSummary:
    """Streams an mbox in batches of one transaction each; a bad mail is reported, never fatal."""
    summary, ctx, started = IngestSummary(), IngestContext(), monotonic()
    mails: Iterator[bytes] = iter_mbox(stream)
    while chunk := list(islice(mails, batch_size)):
        with transaction.atomic():
            for raw in chunk:
                _ingest_raw(ctx, summary, raw=raw, source=source, thread=thread)
                if progress is not None:
                    progress(summary)
            _finish(ctx)
        reset_queries()  # with DEBUG=1 Django keeps every query: keep memory flat
    summary.seconds = monotonic() - started
    return summary


def _ingest_raw(
    ctx: IngestContext, summary: IngestSummary, *, raw: bytes, source: str, thread: Thread | None
) -> None:
    position = summary.total + 1
    try:
        parsed = parse_message(raw, source="mbox", source_url=None)
    except Exception as exc:  # any parser failure: report this mail, keep importing
        summary.failed.append(FailedMessage(position, "", _reason(exc)))
        return
    try:
        with transaction.atomic():  # a savepoint: one bad mail leaves the batch intact
            result = _ingest(ctx, parsed=parsed, source=source, thread=thread)
    except Exception as exc:  # the database refused it: report, keep importing
        ctx.people = PersonCache()  # rows cached inside the rolled-back savepoint are gone
        summary.failed.append(FailedMessage(position, parsed.message_id, _reason(exc)))
        return
    if result.status == "duplicate":
        summary.duplicate += 1
    elif result.status == "replaced":
        summary.replaced += 1
    else:
        summary.new += 1


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _finish(ctx: IngestContext) -> None:
    """Work deferred to the end of a transaction: version links, then patch statuses."""
    dirty = set(ctx.dirty_patches)
    if ctx.dirty_series:
        dirty |= versions_link(series_ids=ctx.dirty_series)
    if ctx.dirty_versions:
        dirty |= set(
            Patch.objects.filter(series_version_id__in=ctx.dirty_versions)
            .values_list("pk", flat=True)
        )
    if dirty:
        patches_status_refresh(patch_ids=dirty)
    ctx.dirty_patches.clear()
    ctx.dirty_series.clear()
    ctx.dirty_versions.clear()


def _ingest(
    ctx: IngestContext, *, parsed: ParsedMessage, source: str, thread: Thread | None
) -> IngestResult:
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; one of {sorted(SOURCES)}")
    msgid = clean(parsed.message_id).strip().strip("<>")[:512]
    if not msgid:
        raise MessageParseError("no Message-ID")
    existing = Message.objects.filter(msgid=msgid).select_related("thread", "parent").first()
    if existing is not None and not existing.is_placeholder:
        return IngestResult(existing, existing.thread, "duplicate")
    author = person_get_or_create(
        cache=ctx.people, name=parsed.author.name, address=parsed.author.address,
        obfuscated=parsed.author.obfuscated,
    )
    target = existing or placeholder_find_replaceable(
        author_name=parsed.author.name, date=parsed.date, msgid=msgid
    )
    references, in_reply_to = clean_all(parsed.references), clean(parsed.in_reply_to).strip()
    chain = [i for i in chain_ids(references=references, in_reply_to=in_reply_to) if i != msgid]
    subject, body = clean(parsed.subject), clean(parsed.body)
    thread, parent = thread_resolve(
        msgid=msgid, ancestors=chain, subject=subject, given=thread, near=target
    )
    fields = {
        "thread": thread, "parent": parent, "depth": parent.depth + 1 if parent else 0,
        "in_reply_to": in_reply_to[:512], "references": references, "author": author,
        "date": parsed.date, "date_is_estimate": parsed.date_is_estimate, "subject": subject,
        "body": body, "new_text": clean(parse_body(body).new_text),
        "change_id": clean(parsed.change_id)[:255], "is_placeholder": False,
        "placeholder_source": None, "placeholder_depth": None, "source": source,
        "source_url": clean(parsed.source_url)[:2000], "fetched_at": timezone.now(),
        "parse_warnings": clean_all(parsed.parse_warnings),
    }
    if target is not None:
        content.content_forget(message=target)  # the real mail's content replaces it
        for name, value in fields.items():
            setattr(target, name, value)
        target.msgid = msgid
        target.save()
        message, status = target, "replaced"
    else:
        message, status = Message.objects.create(msgid=msgid, **fields), "new"
    orphans = orphans_attach(message=message)
    if orphans or status == "replaced":
        depths_recompute(top=message)
    placeholders = _place(ctx, message=message, body=body, chain=chain)
    thread_touch(thread=thread, message=message)
    return IngestResult(message, thread, status, placeholders)


def _place(ctx: IngestContext, *, message: Message, body: str, chain: list[str]) -> int:
    """Series and what a reply answers, placeholders from quotes, then the mail's content."""
    info = parse_subject(message.subject)
    diffs = find_diffs(body)
    patch = None
    if info.is_patch and not info.is_reply:
        own = next((d.patch_id for d in diffs if d.quote_depth == 0), "")
        patch = patch_mail_record(
            ctx=ctx, message=message, info=info, author=message.author,
            change_id=message.change_id, patch_id=own[:64], chain=chain,
        )
    else:
        about_patch, about_version = reply_target_find(ctx=ctx, message=message, info=info)
        if about_patch or about_version:
            message.about_patch_id, message.about_version_id = about_patch, about_version
            message.save(update_fields=["about_patch", "about_version"])
            ctx.dirty_patches.update([about_patch] if about_patch else [])
            ctx.dirty_versions.update([about_version] if about_version else [])
    created = []
    if message.parent_id is None:
        ancestors = find_quoted_ancestors(body)
        if ancestors:
            created = placeholders_create(
                message=message, ancestors=ancestors, chain=chain, people=ctx.people
            )
    elif chain:
        placeholder_ids_learn(message=message, chain=chain)
    content.diffs_store(message=message, diffs=diffs)
    content.trailers_store(
        message=message, body=body, patch=patch, about_patch_id=message.about_patch_id,
        about_version_id=message.about_version_id,
    )
    content.links_store(message=message, body=body)
    if content.crash_texts_store(message=message, body=body):
        message.has_crash_text = True
        message.save(update_fields=["has_crash_text"])
    return len(created)
