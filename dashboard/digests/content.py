"""One subscriber's digest: the window's changes filtered by what the subscriber follows."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.digests.changes import Changes, SignatureChange, WindowChanges


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


class Digest(Changes):
    """One subscriber's share of a window's changes."""


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
