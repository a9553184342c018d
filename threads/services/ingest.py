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

from django.db import IntegrityError, reset_queries, transaction
from django.utils import timezone

from threads.models import Message, Patch, Thread
from threads.parsing.ancestors import find_quoted_ancestors
from threads.parsing.crashtext import find_crash_text
from threads.parsing.diff import find_diffs
from threads.parsing.mbox import iter_mbox
from threads.parsing.message import parse_message
from threads.parsing.quotes import parse_body
from threads.parsing.subject import parse_subject
from threads.parsing.types import MessageParseError, ParsedMessage, SubjectInfo
from threads.services import content
from threads.services.bulk import row_insert
from threads.services.common import clean, clean_all
from threads.services.context import IngestContext, Replaceable
from threads.services.facts import batch_facts, replaceable_find
from threads.services.people import PersonCache, person_get_or_create
from threads.services.placeholders import placeholder_ids_learn, placeholders_create
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
    """Stores one parsed mail (any entry point: lore, lkml.iu.edu, a file, the demo seed).

    Two writers storing the same mail at once (a refresh racing an import on PostgreSQL):
    the unique Message-ID refuses the second, which then reports a duplicate.
    """
    try:
        with transaction.atomic():
            ctx = IngestContext()
            result = _ingest(ctx, parsed=parsed, source=source, thread=thread)
            _finish(ctx)
        return result
    except IntegrityError:
        msgid = clean(parsed.message_id).strip().strip("<>")[:512]
        existing = Message.objects.select_related("thread").filter(msgid=msgid).first()
        if existing is None or existing.is_placeholder:
            raise
        return IngestResult(existing, existing.thread, "duplicate")


def messages_ingest_mbox(
    *, stream: BinaryIO, source: str = "file", thread: Thread | None = None,
    progress: Callable[[IngestSummary], None] | None = None, batch_size: int = BATCH_SIZE,
) -> IngestSummary:
    """Streams an mbox in batches of one transaction each; a bad mail is reported, never fatal."""
    summary, ctx, started = IngestSummary(), IngestContext(), monotonic()
    mails: Iterator[bytes] = iter_mbox(stream)
    while chunk := list(islice(mails, batch_size)):
        parsed = [_parse_raw(raw, position=summary.total + i + 1) for i, raw in enumerate(chunk)]
        counts = (summary.new, summary.duplicate, summary.replaced, len(summary.failed))
        try:
            _ingest_batch(ctx, summary, parsed, source=source, thread=thread,
                          progress=progress, savepoints=False)
        except Exception:  # one mail broke the batch (rolled back): redo it, skipping that one
            summary.new, summary.duplicate, summary.replaced = counts[:3]
            del summary.failed[counts[3]:]
            ctx = IngestContext()
            _ingest_batch(ctx, summary, parsed, source=source, thread=thread,
                          progress=progress, savepoints=True)
        reset_queries()  # with DEBUG=1 Django keeps every query: keep memory flat
    summary.seconds = monotonic() - started
    return summary


def _ingest_batch(
    ctx: IngestContext, summary: IngestSummary, parsed: list[ParsedMessage | FailedMessage],
    *, source: str, thread: Thread | None, progress: Callable[[IngestSummary], None] | None,
    savepoints: bool,
) -> None:
    """One transaction. Without savepoints (the fast way) any error aborts the batch;
    with a savepoint per mail (the retry) a refused mail is reported and skipped."""
    with transaction.atomic():
        ctx.batch = batch_facts([p for p in parsed if isinstance(p, ParsedMessage)])
        ctx.orphan_series = None
        ctx.fresh_series.clear()  # committed series are open to other writers again
        for item in parsed:
            if isinstance(item, FailedMessage):
                summary.failed.append(item)
            elif savepoints:
                _ingest_parsed(ctx, summary, parsed=item, source=source, thread=thread)
            else:
                _count(summary, _ingest(ctx, parsed=item, source=source, thread=thread))
            if progress is not None:
                progress(summary)
        _finish(ctx)
    ctx.batch = None


def _parse_raw(raw: bytes, *, position: int) -> ParsedMessage | FailedMessage:
    try:
        return parse_message(raw, source="mbox", source_url=None)
    except Exception as exc:  # any parser failure: report this mail, keep importing
        return FailedMessage(position, "", _reason(exc))


def _ingest_parsed(
    ctx: IngestContext, summary: IngestSummary, *, parsed: ParsedMessage, source: str,
    thread: Thread | None,
) -> None:
    position = summary.total + 1
    try:
        with transaction.atomic():  # a savepoint: one bad mail leaves the batch intact
            result = _ingest(ctx, parsed=parsed, source=source, thread=thread)
    except Exception as exc:  # the database refused it: report, keep importing
        ctx.people, ctx.recent, ctx.pending = PersonCache(), {}, {}
        ctx.forget_series()
        summary.failed.append(FailedMessage(position, parsed.message_id, _reason(exc)))
        return
    _count(summary, result)


def _count(summary: IngestSummary, result: IngestResult) -> None:
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
    ctx.flush()
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
    facts = ctx.batch or batch_facts([parsed])
    mine = facts.known.get(msgid)
    if mine is not None and not mine[1]:
        existing = Message.objects.select_related("thread").get(pk=mine[0])
        return IngestResult(existing, existing.thread, "duplicate")
    author = person_get_or_create(
        cache=ctx.people, name=parsed.author.name, address=parsed.author.address,
        obfuscated=parsed.author.obfuscated,
    )
    target = None
    if mine is not None:
        target = Message.objects.select_related("thread", "parent").get(pk=mine[0])
    else:
        target = replaceable_find(facts, author_name=parsed.author.name, date=parsed.date,
                              msgid=msgid)
    if target is not None:
        ctx.flush()  # deferred rows of the row being replaced must exist to be replaced
        facts.replaceables = [r for r in facts.replaceables if r.pk != target.pk]
    references, in_reply_to = clean_all(parsed.references), clean(parsed.in_reply_to).strip()
    chain = [i for i in chain_ids(references=references, in_reply_to=in_reply_to) if i != msgid]
    subject, body = clean(parsed.subject), clean(parsed.body)
    thread, parent, merged = thread_resolve(
        msgid=msgid, ancestors=chain, subject=subject, given=thread, near=target,
        recent=ctx.recent, roots=facts.roots,
    )
    info = parse_subject(subject)
    is_patch_mail = info.is_patch and not info.is_reply
    about_patch, about_version = (None, None) if is_patch_mail else reply_target_find(
        ctx=ctx, parent=parent, info=info
    )
    crash_texts = find_crash_text(body)
    fields = {
        "thread": thread, "parent": parent, "depth": parent.depth + 1 if parent else 0,
        "in_reply_to": in_reply_to[:512], "references": references, "author": author,
        "date": parsed.date, "date_is_estimate": parsed.date_is_estimate, "subject": subject,
        "body": body, "new_text": clean(parse_body(body).new_text),
        "change_id": clean(parsed.change_id)[:255], "is_placeholder": False,
        "placeholder_source": None, "placeholder_depth": None, "source": source,
        "source_url": clean(parsed.source_url)[:2000], "fetched_at": timezone.now(),
        "parse_warnings": clean_all(parsed.parse_warnings), "about_patch_id": about_patch,
        "about_version_id": about_version, "has_crash_text": bool(crash_texts),
    }
    if target is not None:
        content.content_forget(message=target)  # the real mail's content replaces it
        for name, value in fields.items():
            setattr(target, name, value)
        target.msgid = msgid
        target.save()
        message, status = target, "replaced"
    else:
        message, status = row_insert(Message(msgid=msgid, **fields)), "new"
    attached = msgid in facts.awaited and bool(orphans_attach(message=message))
    facts.awaited.discard(msgid)
    if message.parent_id is None and in_reply_to:
        facts.awaited.add(in_reply_to)
    moved = attached or status == "replaced"
    if moved:
        depths_recompute(top=message)
    if merged or moved:
        ctx.recent.clear()  # rows moved under the cache's feet
    ctx.dirty_patches.update([about_patch] if about_patch else [])
    ctx.dirty_versions.update([about_version] if about_version else [])
    created = _place(ctx, message=message, body=body, chain=chain, info=info,
                     is_patch_mail=is_patch_mail, had_orphans=attached)
    for placeholder in created:
        facts.known[placeholder.msgid] = (placeholder.pk, True)
        name = placeholder.author.name if placeholder.author else ""
        facts.replaceables.append(
            Replaceable(placeholder.pk, placeholder.msgid, placeholder.date, name)
        )
    ctx.defer(content.crash_text_rows(message=message, found=crash_texts))
    thread_touch(thread=thread, message=message)
    ctx.remember(message)
    return IngestResult(message, thread, status, len(created))


def _place(
    ctx: IngestContext, *, message: Message, body: str, chain: list[str], info: SubjectInfo,
    is_patch_mail: bool, had_orphans: bool,
) -> list[Message]:
    """The series of a patch mail, placeholders from quotes, then the mail's content."""
    diffs = find_diffs(body)
    patch = None
    if is_patch_mail:
        own = next((d.patch_id for d in diffs if d.quote_depth == 0), "")
        patch, version = patch_mail_record(
            ctx=ctx, message=message, info=info, author=message.author,
            change_id=message.change_id, patch_id=own[:64], chain=chain,
            had_orphans=had_orphans,
        )
        # A patch mail "answers" its own patch, a cover letter its version: replies below
        # them then know what they answer from their parent alone.
        message.about_patch_id = patch.pk if patch else None
        message.about_version_id = None if patch else version.pk
        ctx.about_updates.append(message)  # written in bulk with the batch
    created = []
    if message.parent_id is None:
        ancestors = find_quoted_ancestors(body)
        if ancestors:
            created = placeholders_create(
                message=message, ancestors=ancestors, chain=chain, people=ctx.people
            )
            ctx.recent.clear()
    elif chain and message.parent.is_placeholder:
        for placeholder in placeholder_ids_learn(message=message, chain=chain):
            if ctx.batch is not None:
                ctx.batch.known[placeholder.msgid] = (placeholder.pk, True)
    ctx.defer(content.diff_rows(message=message, diffs=diffs))
    ctx.defer(content.trailer_rows(
        message=message, body=body, patch=patch, about_patch_id=message.about_patch_id,
        about_version_id=None if patch else message.about_version_id,
    ))
    ctx.defer(content.link_rows(message=message, body=body))
    return created
