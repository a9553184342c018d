"""What one ingest run remembers between messages (bounded caches, work left for the end)."""

from __future__ import annotations

from dataclasses import dataclass, field

from threads.services.people import PersonCache


@dataclass
class IngestContext:
    people: PersonCache = field(default_factory=PersonCache)
    dirty_patches: set[int] = field(default_factory=set)  # patch statuses to re-derive
    dirty_versions: set[int] = field(default_factory=set)  # every patch of these versions
    dirty_series: set[int] = field(default_factory=set)  # versions gained: re-link supersedes
