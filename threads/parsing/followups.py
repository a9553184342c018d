"""Trailers given in replies, attached to the patches they were given to (as b4 collects them).

Pure: plain data in (messages with ids, reply links, sender and body), plain data out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from threads.parsing.diff import find_diffs
from threads.parsing.trailerparse import find_trailers
from threads.parsing.types import Address, ParsedTrailer

_CUSTODY = {"Signed-off-by", "Co-developed-by"}


class TrailerMail(Protocol):
    """What the collector reads of a mail; ``ParsedMessage`` fits."""

    @property
    def message_id(self) -> str: ...
    @property
    def in_reply_to(self) -> str | None: ...
    @property
    def references(self) -> tuple[str, ...]: ...
    @property
    def author(self) -> Address: ...
    @property
    def body(self) -> str: ...


@dataclass(frozen=True)
class FollowupTrailer:
    """A trailer found in a reply: who sent it, in which mail, and whether the address matches."""

    trailer: ParsedTrailer
    from_message_id: str
    sender: Address
    via_cover: bool = False  # given in reply to the cover letter, so it applies to every patch
    mismatch: bool = False  # the trailer's address is not the sender's (b4 drops these)


@dataclass(frozen=True)
class PatchTrailers:
    """The trailers of one patch: its own, the new ones from replies, and the suspicious ones."""

    message_id: str
    own: tuple[ParsedTrailer, ...]
    added: tuple[FollowupTrailer, ...]
    mismatches: tuple[FollowupTrailer, ...] = ()

    def trailers(self, *, sloppy: bool = False) -> tuple[ParsedTrailer, ...]:
        """Own trailers, then added ones; ``sloppy`` also keeps mismatched ones (b4 -S)."""
        extra = self.added + (self.mismatches if sloppy else ())
        return self.own + tuple(f.trailer for f in extra)


def trailer_key(trailer: ParsedTrailer) -> tuple[str, str]:
    """What makes two trailers the same, ignoring case and spacing.

    ``Reviewed-by: Zi Yan  <ZIY@nvidia.com>`` -> ``("reviewed-by", "zi yan <ziy@nvidia.com>")``.
    """
    return trailer.kind.lower(), " ".join(trailer.value.lower().split())


def address_matches(sender: str, trailer_address: str) -> bool:
    """``"p.raghav@xxxxxxxxxxx"`` (lkml.iu.edu hides domains) matches ``"p.raghav@samsung.com"``."""
    sender, trailer_address = sender.lower(), trailer_address.lower()
    if not sender or sender == trailer_address:
        return True
    local, _, domain = sender.partition("@")
    t_local, _, t_domain = trailer_address.partition("@")
    return bool(domain) and set(domain) <= {"x", "."} and local == t_local and (
        len(domain) == len(t_domain)
    )


def _parent(mail: TrailerMail) -> str | None:
    # In-Reply-To names the mail answered; References only when it is missing (b4's sample
    # "partial-reroll" lists References newest-first, so their last entry is not the parent).
    if mail.in_reply_to:
        return mail.in_reply_to
    return mail.references[-1] if mail.references else None


def _target(mail: TrailerMail, patch_ids: set[str], cover_id: str | None,
            replies: dict[str, TrailerMail]) -> str | None:
    """The patch (or the cover) a reply belongs to, walking up through other replies."""
    seen: set[str] = set()
    parent = _parent(mail)
    while parent and parent not in seen:
        seen.add(parent)
        if parent in patch_ids or parent == cover_id:
            return parent
        if parent not in replies:
            return None
        parent = _parent(replies[parent])
    return None


def collect_followup_trailers(
    *,
    patches: Sequence[TrailerMail],
    followups: Sequence[TrailerMail],
    cover: TrailerMail | None = None,
) -> tuple[PatchTrailers, ...]:
    """Attach trailers given in replies to the patches they answer, in ``patches`` order.

    Example: patch ``<patch-2@x>`` carries ``Signed-off-by: Test Test <test@example.com>``; a
    reply to it from ``Followup Reviewer1 <followup-reviewer1@example.com>`` says
    ``Reviewed-by: Followup Reviewer1 <followup-reviewer1@example.com>``; a reply to the cover
    says ``Reviewed-by: Coverletter Reviewer1 <...>``. Patch 2 gets both, every other patch
    the cover one.

    ``followups`` are the other mails of the thread (not patches of other versions), in the
    order they were sent; a reply to a reply counts for the patch at the top of its chain.
    Only unquoted trailers count; ones the patch already has, or that were already added,
    are skipped; person trailers whose address is not the sender's go to ``mismatches``.
    """
    patch_ids = {p.message_id for p in patches}
    cover_id = cover.message_id if cover is not None else None
    replies = {m.message_id: m for m in followups}
    given: dict[str, list[FollowupTrailer]] = {p.message_id: [] for p in patches}
    for mail in followups:
        target = _target(mail, patch_ids, cover_id, replies)
        if target is None:
            continue
        via_cover = target == cover_id
        # A reply carrying its own patch ("How about this instead:") signs that patch, not
        # the one it answers: its Signed-off-by/Co-developed-by are not collected.
        own_patch = any(d.quote_depth == 0 for d in find_diffs(mail.body))
        for trailer in find_trailers(mail.body):
            if own_patch and trailer.kind in _CUSTODY:
                continue
            if trailer.kind == "Nacked-by" and not trailer.value:
                sender = mail.author
                value = f"{sender.name} <{sender.address}>" if sender.name else sender.address
                trailer = replace(trailer, value=value, name=sender.name, address=sender.address)
            mismatch = bool(trailer.address) and not address_matches(
                mail.author.address, trailer.address
            )
            item = FollowupTrailer(trailer, mail.message_id, mail.author, via_cover, mismatch)
            for patch_id in patch_ids if via_cover else (target,):
                given[patch_id].append(item)
    result = []
    for patch in patches:
        own = find_trailers(patch.body)
        seen = {trailer_key(t) for t in own}
        added: list[FollowupTrailer] = []
        mismatches: list[FollowupTrailer] = []
        for item in given[patch.message_id]:
            key = trailer_key(item.trailer)
            if key in seen:
                continue
            seen.add(key)
            (mismatches if item.mismatch else added).append(item)
        result.append(PatchTrailers(patch.message_id, own, tuple(added), tuple(mismatches)))
    return tuple(result)
