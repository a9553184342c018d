"""What one ingest run remembers between messages (bounded caches, work left for the end)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import DatabaseError, models, transaction

from threads import seams
from threads.models import CrashText, Link, Message, Series, SeriesVersion, Thread
from threads.services.bulk import rows_update
from threads.services.people import PersonCache

logger = logging.getLogger(__name__)
_RECENT_LIMIT = 5_000  # bounded: memory must not grow with the size of an import


@dataclass
class Replaceable:
    """A row a real mail may overwrite: a placeholder, or a mail without a real Message-ID."""

    pk: int
    msgid: str
    date: datetime | None
    author_name: str


@dataclass
class BatchFacts:
    """What one query per batch told about the Message-IDs of the batch (mbox import)."""

    known: dict[str, tuple[int, bool]]  # msgid -> (pk, is_placeholder)
    awaited: set[str]  # Message-IDs that stored parentless replies name in In-Reply-To
    replaceables: list[Replaceable]  # in the batch's date span
    roots: dict[str, Thread] = field(default_factory=dict)  # threads by root Message-ID


@dataclass
class IngestContext:
    people: PersonCache = field(default_factory=PersonCache)
    dirty_patches: set[int] = field(default_factory=set)  # patch statuses to re-derive
    dirty_versions: set[int] = field(default_factory=set)  # every patch of these versions
    dirty_series: set[int] = field(default_factory=set)  # versions gained: re-link supersedes
    # Messages stored by this run, by Message-ID: a reply's parent is usually among them.
    # Cleared whenever rows change behind the cached objects (merges, placeholders, orphans).
    recent: dict[str, Message] = field(default_factory=dict)
    batch: BatchFacts | None = None
    series: dict[str, Series] = field(default_factory=dict)  # by Series.key
    versions: dict[tuple[int, int], SeriesVersion] = field(default_factory=dict)
    version_pks: dict[int, SeriesVersion] = field(default_factory=dict)  # ``versions`` by pk
    orphan_series: bool | None = None  # do series known only from replies exist?
    # Rows written in bulk at the end of the batch (trailers, diffs, links, crash texts).
    pending: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)
    about_updates: list[Message] = field(default_factory=list)  # patch mails and covers
    fresh_versions: set[int] = field(default_factory=set)  # created by this run
    # Series created by this run whose every version is in ``versions`` (none elsewhere).
    fresh_series: set[int] = field(default_factory=set)
    taken: set[tuple[int, int]] = field(default_factory=set)  # (version pk, patch number)

    def remember(self, message: Message) -> None:
        if len(self.recent) >= _RECENT_LIMIT:
            self.recent.clear()
        if len(self.series) >= _RECENT_LIMIT:
            self.series.clear()
        self.recent[message.msgid] = message
        if self.batch is not None:
            self.batch.known[message.msgid] = (message.pk, message.is_placeholder)

    def forget_series(self) -> None:  # after rows were deleted or moved
        self.series.clear()
        self.versions.clear()
        self.version_pks.clear()
        self.fresh_versions.clear()
        self.fresh_series.clear()
        self.taken.clear()

    def defer(self, rows: list[models.Model]) -> None:
        for row in rows:
            self.pending.setdefault(type(row), []).append(row)

    def flush(self) -> None:
        """Writes the deferred rows: one INSERT per model (split by Django when large).

        Should the database refuse a bulk insert, the rows go one by one, each in a
        savepoint, and a refused one is logged and dropped: an import never aborts.
        """
        pending, self.pending = self.pending, {}
        for model, rows in pending.items():
            created = _insert(model, rows)
            if model is CrashText:  # classified by ci_results once this commits
                seams.crash_texts_created(row.pk for row in created)
        about, self.about_updates = self.about_updates, []
        if about:
            rows_update(Message, about, ["about_patch", "about_version"])


def _insert(model: type[models.Model], rows: list[models.Model]) -> list[models.Model]:
    try:
        with transaction.atomic():
            return model.objects.bulk_create(rows, batch_size=500,
                                             ignore_conflicts=model is Link)
    except DatabaseError:
        logger.exception("bulk insert of %d %s rows refused; one by one", len(rows),
                         model.__name__)
    saved = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save()
            saved.append(row)
        except DatabaseError:
            logger.exception("dropped a %s row of message %s", model.__name__,
                             getattr(row, "message_id", "?"))
    return saved
