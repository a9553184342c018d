"""Placeholder ancestors: earlier messages known only from the quotes of a later one.

Invariant: a placeholder is replaced *in place* by the real message (same row), so the
replies hanging below it keep their parent. It is found again by its Message-ID when a
later mail's References named it, else by author name + date of the attribution line.
"""

from __future__ import annotations

import hashlib

from threads.models import Message
from threads.parsing.types import QuotedAncestor
from threads.services.common import (
    DATE_TOLERANCE,
    PLACEHOLDER_DOMAIN,
    clean,
    is_synthetic_msgid,
    names_match,
)
from threads.services.people import PersonCache, person_get_or_create
from threads.services.tree import depths_recompute


def placeholder_msgid(*, quoted_by: str, depth: int) -> str:
    digest = hashlib.sha1(quoted_by.encode("utf-8", "replace")).hexdigest()[:20]
    return f"quote-{depth}-{digest}{PLACEHOLDER_DOMAIN}"


def _known_ancestor(*, thread_id: int, ancestor: QuotedAncestor) -> Message | None:
    qs = Message.objects.filter(thread_id=thread_id).select_related("author")
    if ancestor.date is not None:
        qs = qs.filter(date__range=(ancestor.date - DATE_TOLERANCE, ancestor.date + DATE_TOLERANCE))
    else:
        qs = qs.filter(is_placeholder=True, date__isnull=True)
    first_line = _first_line(ancestor.quoted_text)
    for candidate in qs[:50]:
        author = candidate.author.name if candidate.author else ""
        if not names_match(author, ancestor.author_name):
            continue
        if ancestor.date is not None or _first_line(candidate.body) == first_line:
            return candidate
    return None


def _first_line(text: str) -> str:
    return next((line.strip() for line in (text or "").splitlines() if line.strip()), "")


def placeholders_create(
    *, message: Message, ancestors: tuple[QuotedAncestor, ...], chain: list[str],
    people: PersonCache,
) -> list[Message]:
    """Hangs ``message`` below placeholders made from its quotes (nearest first).

    ``chain`` is the Message-IDs above the message, nearest first, from its References: the
    placeholder at quote depth d takes ``chain[d-1]`` so the real mail replaces it by id.
    Stops at the first ancestor already known (real or placeholder).
    """
    created: list[Message] = []
    child = message
    for ancestor in sorted(ancestors, key=lambda a: a.depth):
        if not ancestor.author_name or ancestor.depth < 1:
            continue
        known_id = chain[ancestor.depth - 1] if len(chain) >= ancestor.depth else ""
        found = Message.objects.filter(msgid=known_id).first() if known_id else None
        found = found or _known_ancestor(thread_id=message.thread_id, ancestor=ancestor)
        if found is not None:
            if found.pk != child.pk and child.parent_id is None:
                child.parent = found
                child.save(update_fields=["parent"])
            break
        author = person_get_or_create(cache=people, name=ancestor.author_name, address="")
        text = clean(ancestor.quoted_text)
        placeholder = Message.objects.create(
            msgid=known_id or placeholder_msgid(quoted_by=message.msgid, depth=ancestor.depth),
            thread_id=message.thread_id, author=author, date=ancestor.date,
            subject=message.subject, body=text, new_text=text, is_placeholder=True,
            placeholder_source=message, placeholder_depth=ancestor.depth,
            source=Message.Source.QUOTE, source_url=message.source_url,
            about_patch_id=message.about_patch_id, about_version_id=message.about_version_id,
        )
        child.parent = placeholder
        child.save(update_fields=["parent"])
        created.append(placeholder)
        child = placeholder
    if created:
        depths_recompute(top=created[-1])
        message.refresh_from_db(fields=["depth"])
    return created


def placeholder_ids_learn(*, message: Message, chain: list[str]) -> list[Message]:
    """Placeholders above a real message take the Message-IDs its References give them."""
    learned, node = [], message
    for msgid in chain:
        parent = Message.objects.filter(pk=node.parent_id).first() if node.parent_id else None
        if parent is None:
            break
        if parent.is_placeholder and is_synthetic_msgid(parent.msgid) and parent.msgid != msgid:
            if not Message.objects.filter(msgid=msgid).exists():
                parent.msgid = msgid
                parent.save(update_fields=["msgid"])
                learned.append(parent)
        elif parent.msgid != msgid:
            break  # the tree above is not the chain References describe
        node = parent
    return learned

