"""One subscriber's digest: the window's changes filtered by what the subscriber follows."""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.digests.changes import (
    FailingSource,
    NewMessage,
    NewVersion,
    PatchStatusChange,
    RateShift,
    SignatureChange,
    VerdictChange,
    WindowChanges,
)


@dataclass(frozen=True)
class Interests:
    """What a subscription follows, as id sets (read in bulk for many subscribers)."""

    everything: bool
    threads: frozenset[int] = frozenset()
    signatures: frozenset[int] = frozenset()
    configs: frozenset[int] = frozenset()
    reproducers: frozenset[int] = frozenset()

    def thread(self, thread_id: int | None) -> bool:
        return self.everything or (thread_id is not None and thread_id in self.threads)

    def dimension(self, config_id: int, reproducer_id: int) -> bool:
        return self.everything or config_id in self.configs or reproducer_id in self.reproducers

    def signature(self, change: SignatureChange) -> bool:
        return (
            self.everything
            or change.signature_id in self.signatures
            or bool(change.config_ids & self.configs)
            or bool(change.reproducer_ids & self.reproducers)
        )


@dataclass
class Digest:
    messages: list[NewMessage] = field(default_factory=list)
    patch_changes: list[PatchStatusChange] = field(default_factory=list)
    new_versions: list[NewVersion] = field(default_factory=list)
    signatures: list[SignatureChange] = field(default_factory=list)
    rate_shifts: list[RateShift] = field(default_factory=list)
    verdicts: list[VerdictChange] = field(default_factory=list)
    failing_sources: list[FailingSource] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(items) for items in (
            self.messages, self.patch_changes, self.new_versions, self.signatures,
            self.rate_shifts, self.verdicts, self.failing_sources,
        ))

    @property
    def empty(self) -> bool:
        return self.item_count == 0


def digest_for(changes: WindowChanges, interests: Interests) -> Digest:
    """Pure filtering: no queries."""
    return Digest(
        messages=[m for m in changes.messages if interests.thread(m.thread_id)],
        patch_changes=[p for p in changes.patch_changes if interests.thread(p.thread_id)],
        new_versions=[v for v in changes.new_versions if interests.thread(v.thread_id)],
        signatures=[s for s in changes.signatures if interests.signature(s)],
        rate_shifts=[r for r in changes.rate_shifts
                     if interests.dimension(r.config_id, r.reproducer_id)],
        verdicts=[v for v in changes.verdicts if interests.dimension(v.config_id, v.reproducer_id)],
        failing_sources=[s for s in changes.failing_sources if interests.thread(s.thread_id)],
    )
