"""Atom feeds: a thread's newest messages and the newest crash signatures."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from ci_results.models import CrashSignature
from threads.models import Message, Thread

ITEMS = 50
SUMMARY_CHARS = 2000  # of a message's new text; the whole mail is on the thread page


class ThreadFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, pk: int) -> Thread:
        return get_object_or_404(Thread, pk=pk)

    def title(self, obj: Thread) -> str:
        return f"kbd: {obj.subject or obj.root_msgid}"

    def subtitle(self, obj: Thread) -> str:
        return f"New messages in the thread <{obj.root_msgid}>"

    def link(self, obj: Thread) -> str:
        return f"/threads/{obj.pk}/"

    def items(self, obj: Thread) -> list[Message]:
        return list(Message.objects.filter(thread=obj, is_placeholder=False)
                    .select_related("author").order_by("-date", "-id")[:ITEMS])

    def item_title(self, item: Message) -> str:
        return item.subject or f"<{item.msgid}>"

    def item_description(self, item: Message) -> str:
        # Plain text: the feed generator escapes it, so mail bodies never become markup.
        return (item.new_text or item.body)[:SUMMARY_CHARS]

    def item_link(self, item: Message) -> str:
        return f"/threads/{item.thread_id}/#m{item.pk}"

    def item_guid(self, item: Message) -> str:
        return f"{settings.SITE_URL}/msgid/{item.msgid}"

    item_guid_is_permalink = False

    def item_author_name(self, item: Message) -> str | None:
        return item.author.name or item.author.address if item.author else None

    def item_pubdate(self, item: Message) -> datetime | None:
        return item.date or item.first_seen_at

    def item_updateddate(self, item: Message) -> datetime | None:
        return item.date or item.first_seen_at


class SignaturesFeed(Feed):
    feed_type = Atom1Feed
    title = "kbd: new crash signatures"
    subtitle = "Crash signatures as they are first seen in CI runs, mail and gists"

    def link(self) -> str:
        return reverse("dashboard-crashes")

    def items(self) -> list[CrashSignature]:
        return list(CrashSignature.objects.order_by("-id")[:ITEMS])

    def item_title(self, item: CrashSignature) -> str:
        return item.title

    def item_description(self, item: CrashSignature) -> str:
        seen = f"{item.first_seen:%Y-%m-%d %H:%M} UTC" if item.first_seen else "unknown"
        return (f"{item.crash_type or 'crash'}, status {item.status}, first seen {seen}, "
                f"{item.report_count} report(s).")

    def item_link(self, item: CrashSignature) -> str:
        return reverse("dashboard-crash", args=[item.pk])

    def item_pubdate(self, item: CrashSignature) -> datetime:
        return item.first_seen or item.created_at

    def item_updateddate(self, item: CrashSignature) -> datetime:
        return item.last_seen or item.created_at
