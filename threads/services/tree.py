"""The reply tree: which thread a message joins, its parent, orphans, merges and depths."""

from __future__ import annotations

from threads.models import Message, Source, Thread
from threads.services.common import thread_title


def chain_ids(*, references: list[str], in_reply_to: str) -> list[str]:
    """The Message-IDs above a message, nearest first (parent, grandparent, ...)."""
    ids = list(reversed(references))
    if in_reply_to and (not ids or ids[0] != in_reply_to):
        ids.insert(0, in_reply_to)
    seen: set[str] = set()
    return [i for i in ids if not (i in seen or seen.add(i))]


def thread_resolve(
    *, msgid: str, ancestors: list[str], subject: str, given: Thread | None,
    near: Message | None, recent: dict[str, Message] | None = None,
    roots: dict[str, Thread] | None = None,
) -> tuple[Thread, Message | None, bool]:
    """The thread a message joins, its known parent, and whether threads were merged.

    ``ancestors`` is nearest first. ``near`` is a placeholder being replaced (already placed).
    ``recent`` caches messages stored by the same run (with their thread loaded); ``roots``
    the threads whose root Message-ID the batch names (kept current here).
    """
    cached = recent.get(ancestors[0]) if recent and ancestors else None
    if cached is not None and given is None and near is None:
        # Invariant: when the parent is known, any thread rooted above it was merged into
        # the parent's thread when the parent (or that root) arrived.
        return cached.thread, cached, False
    known = {
        m.msgid: m for m in Message.objects.filter(msgid__in=ancestors).select_related("thread")
    } if ancestors else {}
    parent = known.get(ancestors[0]) if ancestors else None
    if parent is None and near is not None:
        parent = near.parent
    candidates: list[Thread] = []
    if given is not None:
        candidates.append(given)
    if near is not None:
        candidates.append(near.thread)
    candidates.extend(known[i].thread for i in ancestors if i in known)
    if parent is None or given is not None or near is not None:
        ids = [msgid, *ancestors]
        if roots is None:
            candidates.extend(Thread.objects.filter(root_msgid__in=ids).order_by("pk"))
        else:
            found = {roots[i].pk: roots[i] for i in ids if i in roots}
            candidates.extend(found[pk] for pk in sorted(found))
    if not candidates:
        root = ancestors[-1] if ancestors else msgid
        title = thread_title(subject)[:2000]
        if roots is None:
            thread, _ = Thread.objects.get_or_create(root_msgid=root, defaults={"subject": title})
        else:  # the batch's roots were all read: this one is new
            thread = roots[root] = Thread.objects.create(root_msgid=root, subject=title)
        return thread, parent, False
    thread, merged = candidates[0], False
    for other in candidates[1:]:
        if other.pk != thread.pk and threads_merge(into=thread, other=other):
            merged = True
            if roots is not None:
                for key in [k for k, t in roots.items() if t.pk == other.pk]:
                    del roots[key]
    return thread, parent, merged


def threads_merge(*, into: Thread, other: Thread) -> bool:
    """Move everything of ``other`` into ``into``; keeps the tracking and demo flags."""
    if other.pk == into.pk or not Thread.objects.filter(pk=other.pk).exists():
        return False
    Message.objects.filter(thread=other).update(thread=into)
    Source.objects.filter(thread=other).update(thread=into)
    changed = []
    if other.tracked and not into.tracked:
        into.tracked, into.tracked_by_id = True, other.tracked_by_id
        changed += ["tracked", "tracked_by"]
    if other.is_demo and not into.is_demo:
        into.is_demo = True
        changed.append("is_demo")
    if changed:
        into.save(update_fields=changed)
    other.delete()
    return True


def orphans_attach(*, message: Message) -> list[Message]:
    """Replies that arrived before ``message`` (their In-Reply-To names it) get it as parent."""
    orphans = list(
        Message.objects.filter(in_reply_to=message.msgid, parent__isnull=True)
        .exclude(pk=message.pk)
        .select_related("thread")
    )
    for orphan in orphans:
        if orphan.thread_id != message.thread_id:
            threads_merge(into=message.thread, other=orphan.thread)
    if orphans:
        Message.objects.filter(pk__in=[o.pk for o in orphans]).update(
            parent=message, thread=message.thread
        )
    return orphans


def depths_recompute(*, top: Message) -> None:
    """Depth of ``top`` from its parent, then of every message below it, level by level."""
    depth = 0
    if top.parent_id:
        depth = Message.objects.filter(pk=top.parent_id).values_list("depth", flat=True)[0] + 1
    level, seen = [top.pk], set()
    while level and depth < 10_000:
        Message.objects.filter(pk__in=level).exclude(depth=depth).update(depth=depth)
        seen.update(level)
        level = [
            pk for pk in Message.objects.filter(parent_id__in=level).values_list("pk", flat=True)
            if pk not in seen  # a cycle (a mail claiming to reply to its own reply) stops here
        ]
        depth += 1
    top.depth = Message.objects.filter(pk=top.pk).values_list("depth", flat=True)[0]


def thread_touch(*, thread: Thread, message: Message) -> None:
    """Keeps the thread title on the root-most message known."""
    if message.parent_id is None and (not thread.subject or thread.root_msgid == message.msgid):
        title = thread_title(message.subject)[:2000]
        if title and title != thread.subject:
            thread.subject = title
            thread.save(update_fields=["subject", "updated_at"])


