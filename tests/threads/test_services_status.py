"""threads/services/status.py: each patch status with the evidence that caused it."""

from pathlib import Path

import pytest

from threads.models import Commit, Patch
from threads.parsing.message import parse_message
from threads.services.ingest import message_ingest, messages_ingest_mbox
from threads.services.status import patch_status_derive, patch_statuses_refresh_for_commit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "threads"
pytestmark = pytest.mark.django_db
SINGLE = "20240410100000.single@example.org"


@pytest.fixture
def single_patch() -> Patch:
    raw = (FIXTURES / "0002-reply-before-parent-and-malformed.mbox").read_bytes()
    patch_mail = raw[raw.index(b"From: Jane Developer"):]
    message_ingest(parsed=parse_message(patch_mail), source="lore")
    return Patch.objects.get(message__msgid=SINGLE)


def reply(body: str, *, msgid: str, sender: str = "Zi Yan <ziy@nvidia.com>") -> None:
    raw = (
        f"From: {sender}\nSubject: Re: [PATCH] mm: add a counter for split failures\n"
        f"Date: Thu, 11 Apr 2024 10:00:00 +0000\nMessage-ID: <{msgid}>\n"
        f"In-Reply-To: <{SINGLE}>\nReferences: <{SINGLE}>\n\n{body}"
    ).encode()
    message_ingest(parsed=parse_message(raw), source="lore")


def test_it_starts_new_with_the_patch_as_evidence(single_patch):
    assert single_patch.status == Patch.Status.NEW
    assert single_patch.status_evidence == [SINGLE]
    assert single_patch.patch_id


def test_it_is_under_review_once_someone_replies(single_patch):
    reply("Why a new counter and not a tracepoint?\n", msgid="q@nvidia.com")
    single_patch.refresh_from_db()
    assert single_patch.status == Patch.Status.UNDER_REVIEW
    assert single_patch.status_evidence == ["q@nvidia.com"]


def test_it_ignores_the_authors_own_replies(single_patch):
    reply("Oops, forgot the Cc.\n", msgid="self@example.org",
          sender="Jane Developer <jane@example.org>")
    single_patch.refresh_from_db()
    assert single_patch.status == Patch.Status.NEW


def test_it_is_changes_requested_on_a_nak_even_after_a_review(single_patch):
    reply("Reviewed-by: Zi Yan <ziy@nvidia.com>\n", msgid="r@nvidia.com")
    reply("NAK, vmstat names are ABI.\n\nNacked-by: Michal Hocko <mhocko@suse.com>\n",
          msgid="nak@suse.com", sender="Michal Hocko <mhocko@suse.com>")
    single_patch.refresh_from_db()
    assert single_patch.status == Patch.Status.CHANGES_REQUESTED
    assert single_patch.status_evidence == ["nak@suse.com"]
    assert "Nacked-by: Michal Hocko" in single_patch.status_reason


def test_it_is_applied_when_a_commit_has_the_same_patch_id(single_patch):
    commit = Commit.objects.create(sha="a" * 40, repo="torvalds/linux",
                                   patch_id=single_patch.patch_id)
    assert patch_statuses_refresh_for_commit(commit=commit) == 1
    single_patch.refresh_from_db()
    assert single_patch.status == Patch.Status.APPLIED
    assert single_patch.status_evidence == ["a" * 40]
    assert "same patch-id" in single_patch.status_reason


def test_it_is_applied_when_a_commit_links_to_the_patch_mail(single_patch):
    commit = Commit.objects.create(
        sha="b" * 40, repo="akpm/mm",
        message=f"mm: add a counter\n\nLink: https://lore.kernel.org/r/{SINGLE}\n",
    )
    patch_statuses_refresh_for_commit(commit=commit)
    single_patch.refresh_from_db()
    assert single_patch.status == Patch.Status.APPLIED
    assert "links to this patch" in single_patch.status_reason


def test_it_derives_without_storing(single_patch):
    reply("Acked-by: Andrew Morton <akpm@linux-foundation.org>\n", msgid="ack@lf.org",
          sender="Andrew Morton <akpm@linux-foundation.org>")
    derived = patch_status_derive(patch=Patch.objects.get(pk=single_patch.pk))
    assert (derived.status, derived.evidence) == (Patch.Status.REVIEWED, ("ack@lf.org",))


def test_it_recomputes_statuses_during_an_mbox_import():
    with (FIXTURES / "0001-series-v1-v2-reviews.mbox").open("rb") as stream:
        messages_ingest_mbox(stream=stream, source="file", batch_size=2)
    statuses = dict(Patch.objects.values_list("series_version__version", "status")
                    .filter(number=1))
    assert statuses == {1: Patch.Status.SUPERSEDED, 2: Patch.Status.NEW}
