"""Patch status, derived from what is known, with the messages (or commit) that caused it.

Precedence: applied > superseded > changes requested by a NAK > reviewed > changes asked for
in a reply > under review > new.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from threads.models import Commit, Message, Patch, Trailer
from threads.services.bulk import rows_update

S = Patch.Status
REVIEW_KINDS = ("Reviewed-by", "Acked-by")
# Reviewers' words that ask for another version, as in real replies on linux-mm:
# "NAK.", "Please fix ...", "can you drop ...", "this is wrong", "needs to be ...",
# "please send a v5", "Please resend".
_ASKS_FOR_CHANGES = re.compile(
    r"(?im)^\s*(nak|nack)\b|\bplease\s+(fix|change|drop|rework|split|resend|update|rebase|"
    r"send\s+a\s+v\d+|address)\b|\bcan\s+you\s+(please\s+)?(fix|change|drop|rework|split|"
    r"rebase)\b|\bthis\s+(is|looks)\s+(wrong|broken|incorrect)\b|\bneeds?\s+to\s+be\s+"
    r"(fixed|changed|reworked|split)\b"
)


@dataclass(frozen=True)
class Derived:
    status: str
    reason: str
    evidence: tuple[str, ...]


def patch_status_derive(
    *, patch: Patch, check_commits: bool = True, trailers: list[Trailer] | None = None,
    replies: list[Message] | None = None,
) -> Derived:
    """The status of one patch; ``trailers``/``replies`` of its version when prefetched."""
    version = patch.series_version
    own = patch.message
    author_id = own.author_id if own else None
    # During an import no commit is known at all: skip those queries.
    commit = _applied_commit(patch) if check_commits else None
    if commit is not None:
        how = "has the same patch-id" if patch.patch_id and commit.patch_id == patch.patch_id \
            else "links to this patch's message"
        return Derived(S.APPLIED, f"commit {commit.repo}@{commit.sha[:12]} {how}",
                       (commit.sha,))
    if version.superseded_by_id:
        newer = version.superseded_by
        mail = newer.cover or Message.objects.filter(patch__series_version=newer).first()
        return Derived(S.SUPERSEDED, f"superseded by v{newer.version}",
                       (mail.msgid,) if mail else ())
    if trailers is None:
        trailers = list(_trailers(Q(patch=patch) | Q(series_version=version, patch__isnull=True)))
    trailers = [
        t for t in trailers
        if (t.patch_id == patch.pk or (t.patch_id is None and t.series_version_id == version.pk))
        and t.message_id != (own.pk if own else None)
    ]
    naks = [t for t in trailers if t.kind == "Nacked-by"]
    if naks:
        return Derived(S.CHANGES_REQUESTED, "; ".join(f"Nacked-by: {t.value}" for t in naks),
                       _ids(t.message for t in naks))
    reviews = [t for t in trailers if t.kind in REVIEW_KINDS]
    if reviews:
        return Derived(S.REVIEWED, "; ".join(f"{t.kind}: {t.value}" for t in reviews),
                       _ids(t.message for t in reviews))
    if replies is None:
        replies = list(_replies(Q(about_patch=patch) | Q(about_version=version)))
    mine = {pk for pk in (patch.message_id, version.cover_id) if pk}
    replies = [
        m for m in replies
        if (m.about_patch_id == patch.pk or m.about_version_id == version.pk)
        and m.pk not in mine and (author_id is None or m.author_id != author_id)
    ]
    asking = [m for m in replies if _ASKS_FOR_CHANGES.search(m.new_text or "")]
    if asking:
        return Derived(S.CHANGES_REQUESTED, f"{_replies_phrase(len(asking))} asking for changes",
                       _ids(asking))
    if replies:
        return Derived(S.UNDER_REVIEW, f"{_replies_phrase(len(replies))}, no review trailer yet",
                       _ids(replies))
    return Derived(S.NEW, "no replies yet", (own.msgid,) if own else ())


def _replies_phrase(count: int) -> str:
    return f"{count} {'reply' if count == 1 else 'replies'}"


# What status derivation never reads of the mails it loads (loaded on access should it).
_MAIL_TEXT = ("body", "new_text", "references", "parse_warnings", "subject", "source_url")
_BULKY = [f"{path}__{name}" for path in ("message", "series_version__superseded_by__cover")
          for name in _MAIL_TEXT]


def _trailers(query: Q):
    return Trailer.objects.filter(query).select_related("message").defer(
        *(f"message__{name}" for name in _MAIL_TEXT)
    ).order_by("message__date", "pk")


def _replies(query: Q):
    return Message.objects.filter(query).order_by("date", "pk").only(
        "msgid", "date", "new_text", "is_placeholder", "author_id", "about_patch_id",
        "about_version_id",
    )


def _by_date(m: Message) -> tuple:
    return (m.date is None, m.date or 0, m.pk)


def _ids(messages: Iterable[Message]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.msgid for m in messages))


def _applied_commit(patch: Patch) -> Commit | None:
    query = Q(patch_id=patch.patch_id) if patch.patch_id else Q()
    if patch.message_id:
        # "Link: https://lore.kernel.org/r/<msgid>" in the commit message.
        msgid = patch.message.msgid
        query = query | Q(message__contains=msgid) if query else Q(message__contains=msgid)
    if not query:
        return None
    return Commit.objects.filter(query).order_by("pk").first()


def patches_status_refresh(*, patch_ids: Iterable[int]) -> int:
    """Re-derives the status of these patches; returns how many changed.

    Three queries for the lot (patches, trailers, replies), one prepared UPDATE run.
    """
    has_commits = Commit.objects.exists()
    patches = list(Patch.objects.filter(pk__in=list(patch_ids)).select_related(
        "series_version__superseded_by__cover", "message"
    ).defer(*_BULKY))
    if not patches:
        return 0
    pks = [p.pk for p in patches]
    versions = {p.series_version_id for p in patches}
    scope = Q(patch_id__in=pks) | Q(series_version_id__in=versions, patch__isnull=True)
    by_patch: dict[int, list] = defaultdict(list)  # trailers / replies, per patch
    by_version: dict[int, list] = defaultdict(list)  # and per version (cover letters)
    for t in _trailers(scope):
        (by_patch[t.patch_id] if t.patch_id else by_version[t.series_version_id]).append(t)
    answers: dict[int, list] = defaultdict(list)
    for m in _replies(Q(about_patch_id__in=pks) | Q(about_version_id__in=versions)):
        answers[m.about_patch_id or -m.about_version_id].append(m)
    changed, now = [], timezone.now()
    for patch in patches:
        v = patch.series_version_id
        derived = patch_status_derive(
            patch=patch, check_commits=has_commits,
            trailers=by_patch[patch.pk] + by_version[v],
            replies=sorted(answers[patch.pk] + answers[-v], key=_by_date),
        )
        evidence = list(derived.evidence)
        if (patch.status, patch.status_reason, patch.status_evidence) != (
            derived.status, derived.reason, evidence
        ):
            patch.status, patch.status_reason = derived.status, derived.reason
            patch.status_evidence, patch.status_updated_at = evidence, now
            changed.append(patch)
    rows_update(Patch, changed, ["status", "status_reason", "status_evidence",
                                 "status_updated_at"])
    return len(changed)


def patch_statuses_refresh_for_commit(*, commit: Commit) -> int:
    """A commit became known (fetched from GitHub): patches it applies are re-derived."""
    query = Q(patch_id=commit.patch_id) if commit.patch_id else Q(pk__in=[])
    msgids = re.findall(r"(?im)^link:\s*https?://\S+?/(?:r/|all/)?<?([^/\s<>]+@[^/\s<>]+)>?/?\s*$",
                        commit.message or "")
    if msgids:
        query |= Q(message__msgid__in=msgids)
    return patches_status_refresh(patch_ids=Patch.objects.filter(query).values_list("pk",
                                                                                    flat=True))
