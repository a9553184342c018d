"""What a message carries: inline diffs, trailers, links and pasted crash text."""

from __future__ import annotations

from threads import seams
from threads.models import CrashText, InlineDiff, Link, Message, Patch, Source, Trailer
from threads.parsing.crashtext import find_crash_text
from threads.parsing.links import find_links
from threads.parsing.trailers import address_matches, find_trailers
from threads.parsing.types import ParsedDiff
from threads.services.common import clean

_FETCHED_KINDS = {"gist": Source.Kind.GIST, "github-commit": Source.Kind.GITHUB_COMMIT}


def diffs_store(*, message: Message, diffs: tuple[ParsedDiff, ...]) -> None:
    """Every diff with the message that wrote it (an ancestor when the diff is quoted)."""
    ancestors = _ancestors_by_depth(message, max((d.quote_depth for d in diffs), default=0))
    InlineDiff.objects.bulk_create(
        InlineDiff(
            message=message, files=list(d.files), patch_id=d.patch_id[:64], text=clean(d.text),
            quote_depth=d.quote_depth, start_line=d.start_line,
            proposed_in=message if d.quote_depth == 0 else ancestors.get(d.quote_depth),
        )
        for d in diffs
    )


def _ancestors_by_depth(message: Message, deepest: int) -> dict[int, Message]:
    found: dict[int, Message] = {}
    node = message
    for depth in range(1, deepest + 1):
        if not node.parent_id:
            break
        node = Message.objects.filter(pk=node.parent_id).first()
        if node is None:
            break
        found[depth] = node
    return found


def trailers_store(
    *, message: Message, body: str, patch: Patch | None, about_patch_id: int | None,
    about_version_id: int | None,
) -> int:
    """Unquoted trailers: a patch's own go to it; a reply's go to the patch it answers, or
    to the whole version when it answers the cover letter."""
    sender = message.author.address if message.author else ""
    rows = []
    for t in find_trailers(body):
        address = clean(t.address).lower()
        mismatch = bool(patch is None and address and not address_matches(sender, address))
        rows.append(Trailer(
            message=message, kind=clean(t.kind)[:64], name=clean(t.name)[:255],
            address=address[:320], value=clean(t.value), comment=clean(t.comment),
            patch_id=patch.pk if patch else about_patch_id,
            series_version_id=None if patch or about_patch_id else about_version_id,
            address_mismatch=mismatch,
        ))
    Trailer.objects.bulk_create(rows)
    return len(rows)


def links_store(*, message: Message, body: str) -> int:
    links = {link.url: link for link in find_links(body)}
    if not links:
        return 0
    sources = {
        (s.kind, s.key): s.pk
        for s in Source.objects.filter(
            key__in=[link.key for link in links.values() if link.kind in _FETCHED_KINDS]
        )
    }
    Link.objects.bulk_create(
        [
            Link(
                message=message, url=clean(url)[:2000], kind=link.kind, key=clean(link.key)[:512],
                quote_depth=link.quote_depth,
                source_id=sources.get((_FETCHED_KINDS.get(link.kind, ""), link.key)),
            )
            for url, link in links.items()
        ],
        ignore_conflicts=True,
    )
    return len(links)


def crash_texts_store(*, message: Message, body: str) -> int:
    found = find_crash_text(body)
    created = CrashText.objects.bulk_create(
        CrashText(
            message=message, text=clean(c.text), start_line=c.start_line, end_line=c.end_line,
            quote_depth=c.quote_depth,
        )
        for c in found
    )
    seams.crash_texts_created(c.pk for c in created)  # classified once this commits
    return len(found)


def content_forget(*, message: Message) -> None:
    """Drops what was stored from a mail's body (before the real mail replaces it)."""
    for model in (InlineDiff, Trailer, Link, CrashText):
        model.objects.filter(message=message).delete()
