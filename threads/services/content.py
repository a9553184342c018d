"""What a message carries: inline diffs, trailers, links and pasted crash text.

The rows are built here and written by the caller in bulk (``IngestContext.defer``).
"""

from __future__ import annotations

from threads.models import CrashText, InlineDiff, Link, Message, Patch, Source, Trailer
from threads.parsing.links import find_links
from threads.parsing.trailers import address_matches, find_trailers
from threads.parsing.types import CrashText as ParsedCrashText
from threads.parsing.types import ParsedDiff
from threads.services.common import clean

_FETCHED_KINDS = {"gist": Source.Kind.GIST, "github-commit": Source.Kind.GITHUB_COMMIT}


def diff_rows(*, message: Message, diffs: tuple[ParsedDiff, ...]) -> list[InlineDiff]:
    """Every diff with the message that wrote it (an ancestor when the diff is quoted)."""
    if not diffs:
        return []
    ancestors = _ancestors_by_depth(message, max(d.quote_depth for d in diffs))
    return [
        InlineDiff(
            message=message, files=list(d.files), patch_id=d.patch_id[:64], text=clean(d.text),
            quote_depth=d.quote_depth, start_line=d.start_line,
            proposed_in=message if d.quote_depth == 0 else ancestors.get(d.quote_depth),
        )
        for d in diffs
    ]


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


def trailer_rows(
    *, message: Message, body: str, patch: Patch | None, about_patch_id: int | None,
    about_version_id: int | None,
) -> list[Trailer]:
    """Unquoted trailers: a patch's own go to it; a reply's go to the patch it answers, or
    to the whole version when it answers the cover letter."""
    sender = message.author.address if message.author else ""
    rows = []
    for t in find_trailers(body):
        address = clean(t.address).lower()
        rows.append(Trailer(
            message=message, kind=clean(t.kind)[:64], name=clean(t.name)[:255],
            address=address[:320], value=clean(t.value), comment=clean(t.comment),
            patch_id=patch.pk if patch else about_patch_id,
            series_version_id=None if patch or about_patch_id else about_version_id,
            address_mismatch=bool(
                patch is None and address and not address_matches(sender, address)
            ),
        ))
    return rows


def link_rows(*, message: Message, body: str) -> list[Link]:
    links = {link.url: link for link in find_links(body)}
    if not links:
        return []
    sources = {
        (s.kind, s.key): s.pk
        for s in Source.objects.filter(
            key__in=[link.key for link in links.values() if link.kind in _FETCHED_KINDS]
        )
    } if any(link.kind in _FETCHED_KINDS for link in links.values()) else {}
    return [
        Link(
            message=message, url=clean(url)[:2000], kind=link.kind, key=clean(link.key)[:512],
            quote_depth=link.quote_depth,
            source_id=sources.get((_FETCHED_KINDS.get(link.kind, ""), link.key)),
        )
        for url, link in links.items()
    ]


def crash_text_rows(*, message: Message, found: tuple[ParsedCrashText, ...]) -> list[CrashText]:
    return [
        CrashText(
            message=message, text=clean(c.text), start_line=c.start_line, end_line=c.end_line,
            quote_depth=c.quote_depth,
        )
        for c in found
    ]


def content_forget(*, message: Message) -> None:
    """Drops what was stored from a mail's body (before the real mail replaces it)."""
    for model in (InlineDiff, Trailer, Link, CrashText):
        model.objects.filter(message=message).delete()
