"""Where a crash signature was seen outside CI runs: the messages, gists and threads.

A report found in mail points at its message (and so its thread); one found in a gist points
at the gist file, whose source is linked from messages. One query here, whatever the number
of reports (the reports come with their crash text, message, thread and gist file).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ci_results.models import CrashReport
from threads.models import GistFile, Link, Message, Thread

# What the signature page needs of a mail report, in one JOINed query.
REPORT_RELATED = (
    "crash_text__message__thread", "crash_text__message__author",
    "crash_text__gist_file__source",
)


@dataclass
class Sighting:
    report: CrashReport
    message: Message | None = None  # the mail that pasted it
    gist_file: GistFile | None = None  # the gist file that holds it
    linked_from: list[Message] = field(default_factory=list)  # messages linking the gist

    @property
    def threads(self) -> list[Thread]:
        found = [self.message] if self.message else self.linked_from
        return list({m.thread_id: m.thread for m in found}.values())


def crash_sightings(reports: list[CrashReport]) -> list[Sighting]:
    """Reports of mail and gists (fetched with ``REPORT_RELATED``) with what shows them."""
    sightings = []
    for report in reports:
        text = report.crash_text
        sightings.append(Sighting(report, message=text.message if text else None,
                                  gist_file=text.gist_file if text else None))
    source_ids = {s.gist_file.source_id for s in sightings if s.gist_file}
    if source_ids:
        linking: dict[int, list[Message]] = defaultdict(list)
        links = (Link.objects.filter(source_id__in=source_ids)
                 .select_related("message__thread", "message__author")
                 .order_by("message__date", "message_id"))
        for link in links:
            if all(m.pk != link.message_id for m in linking[link.source_id]):
                linking[link.source_id].append(link.message)
        for s in sightings:
            if s.gist_file:
                s.linked_from = linking.get(s.gist_file.source_id, [])
                # Also on the gist file, for templates that loop over the reports.
                s.gist_file.linked_from = s.linked_from
    return sightings


def sighting_threads(sightings: list[Sighting]) -> list[Thread]:
    """The threads that show the crash, each once, in the order first seen."""
    found: dict[int, Thread] = {}
    for s in sightings:
        for thread in s.threads:
            found.setdefault(thread.pk, thread)
    return list(found.values())
