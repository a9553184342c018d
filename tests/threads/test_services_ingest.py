"""threads/services/ingest.py: mbox and single-mail ingest, idempotency, trees, placeholders."""

import io
from pathlib import Path

import pytest

from threads.models import Message, Patch, Person, Series, SeriesVersion, Thread, Trailer
from threads.parsing.message import parse_message
from threads.services.ingest import message_ingest, messages_ingest_mbox

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "threads"
pytestmark = pytest.mark.django_db


def ingest_file(name: str, **kwargs):
    with (FIXTURES / name).open("rb") as stream:
        return messages_ingest_mbox(stream=stream, source="file", **kwargs)


def mail(msgid: str, subject: str, body: str, *, sender: str = "Jane Developer <jane@example.org>",
         date: str = "Mon, 1 Apr 2024 10:00:00 +0000", reply_to: str = "",
         references: str = "") -> bytes:
    headers = [f"From: {sender}", f"Subject: {subject}", f"Date: {date}", f"Message-ID: <{msgid}>"]
    if reply_to:
        headers.append(f"In-Reply-To: <{reply_to}>")
    if references:
        headers.append(f"References: {references}")
    return ("\n".join(headers) + "\n\n" + body).encode()


def ingest_mail(raw: bytes, source: str = "lore"):
    return message_ingest(parsed=parse_message(raw, source="rfc822"), source=source)


def test_it_builds_a_series_with_patches_and_a_cover():
    summary = ingest_file("0001-series-v1-v2-reviews.mbox")
    assert (summary.new, summary.duplicate, summary.failed) == (7, 0, [])
    series = Series.objects.get()
    assert series.author.address == "jane@example.org"
    v1, v2 = SeriesVersion.objects.order_by("version")
    assert (v1.version, v1.total, v2.version) == (1, 2, 2)
    assert v1.cover.msgid == "20240401100000.1-cover@example.org"
    assert v1.superseded_by == v2 and v2.superseded_by is None
    assert list(v1.patches.values_list("number", flat=True)) == [1, 2]
    assert Patch.objects.get(series_version=v1, number=1).patch_id != ""


def test_it_derives_reviewed_and_changes_requested_with_evidence():
    with (FIXTURES / "0001-series-v1-v2-reviews.mbox").open("rb") as stream:
        head = b"".join(stream.read().split(b"\nFrom jane@example.org Tue Apr  9")[:1])
    messages_ingest_mbox(stream=io.BytesIO(head), source="file")
    first = Patch.objects.get(number=1, series_version__version=1)
    second = Patch.objects.get(number=2, series_version__version=1)
    assert first.status == Patch.Status.REVIEWED
    assert first.status_evidence == ["A1B2C3D4-0001@nvidia.com"]
    assert "Zi Yan" in first.status_reason
    assert second.status == Patch.Status.CHANGES_REQUESTED
    assert second.status_evidence == ["Zgq1234-willy@casper.infradead.org"]


def test_it_marks_older_versions_superseded_by_the_next():
    ingest_file("0001-series-v1-v2-reviews.mbox")
    old = Patch.objects.get(number=1, series_version__version=1)
    new = Patch.objects.get(number=1, series_version__version=2)
    assert old.status == Patch.Status.SUPERSEDED
    assert old.status_reason == "superseded by v2"
    assert old.status_evidence == ["20240409090000.0-v2-cover@example.org"]
    assert new.status == Patch.Status.NEW


def test_it_applies_a_reply_trailer_to_the_patch_replied_to():
    ingest_file("0001-series-v1-v2-reviews.mbox")
    review = Trailer.objects.get(kind="Reviewed-by", message__msgid="A1B2C3D4-0001@nvidia.com")
    assert review.patch.number == 1 and review.patch.series_version.version == 1
    assert review.address == "ziy@nvidia.com" and not review.address_mismatch


def test_it_counts_the_same_mail_twice_as_duplicate():
    ingest_file("0001-series-v1-v2-reviews.mbox")
    counts = (Message.objects.count(), Trailer.objects.count(), Person.objects.count())
    again = ingest_file("0001-series-v1-v2-reviews.mbox")
    assert (again.new, again.duplicate, len(again.failed)) == (0, 7, 0)
    assert (Message.objects.count(), Trailer.objects.count(), Person.objects.count()) == counts


def test_it_attaches_a_reply_that_came_before_its_parent_and_skips_a_malformed_mail():
    summary = ingest_file("0002-reply-before-parent-and-malformed.mbox")
    # The reply quotes its parent, so the parent first exists as a placeholder under its
    # Message-ID and the real patch mail then replaces it.
    assert (summary.new, summary.replaced, len(summary.failed)) == (1, 1, 1)
    assert summary.failed[0].position == 2 and "header" in summary.failed[0].reason
    reply = Message.objects.get(msgid="20240410080000.akpm@linux-foundation.org")
    patch_mail = Message.objects.get(msgid="20240410100000.single@example.org")
    assert reply.parent == patch_mail and reply.thread == patch_mail.thread
    assert (patch_mail.depth, reply.depth) == (0, 1)
    assert Thread.objects.count() == 1
    patch = patch_mail.patch
    assert patch.status == Patch.Status.REVIEWED
    assert patch.status_evidence == ["20240410080000.akpm@linux-foundation.org"]


def test_it_applies_cover_letter_trailers_to_every_patch():
    ingest_file("0001-series-v1-v2-reviews.mbox")
    ingest_mail(mail(
        "ack-cover@kernel.org", "Re: [PATCH 0/2] mm: fix folio split race",
        "On Mon, Apr 01, 2024 at 10:00:00AM +0000, Jane Developer wrote:\n> This series\n\n"
        "For the series:\nAcked-by: David Hildenbrand <david@redhat.com>\n",
        sender="David Hildenbrand <david@redhat.com>", date="Mon, 1 Apr 2024 15:00:00 +0000",
        reply_to="20240401100000.1-cover@example.org",
        references="<20240401100000.1-cover@example.org>",
    ))
    ack = Trailer.objects.get(kind="Acked-by")
    assert ack.patch is None and ack.series_version.version == 1
    assert Message.objects.get(msgid="ack-cover@kernel.org").about_version == ack.series_version


def test_it_stores_mail_with_nul_bytes():
    result = ingest_mail(mail("nul@example.org", "odd\x00subject", "body with \x00 a NUL\n"))
    stored = Message.objects.get(pk=result.message.pk)
    assert "\x00" not in stored.body and "\x00" not in stored.subject


def test_it_replaces_a_placeholder_found_by_message_id():
    reply = ingest_mail(mail(
        "reply@nvidia.com", "Re: mm: split",
        "On Thu, Apr 25, 2024 at 09:10:16PM +0100, Matthew Wilcox wrote:\n"
        "> How would I go about reproducing this?\n\nRun the dd loop.\n",
        sender="Luis Chamberlain <mcgrof@kernel.org>", date="Thu, 25 Apr 2024 17:47:28 -0700",
        reply_to="willy-1@infradead.org", references="<willy-1@infradead.org>",
    ))
    placeholder = reply.message.parent
    assert placeholder.is_placeholder and placeholder.msgid == "willy-1@infradead.org"
    assert placeholder.author.name == "Matthew Wilcox"
    assert placeholder.placeholder_source == reply.message
    real = ingest_mail(mail(
        "willy-1@infradead.org", "Re: mm: split", "How would I go about reproducing this?\n",
        sender="Matthew Wilcox <willy@infradead.org>", date="Thu, 25 Apr 2024 21:10:16 +0100",
    ))
    assert real.status == "replaced" and real.message.pk == placeholder.pk
    stored = Message.objects.get(pk=placeholder.pk)
    assert not stored.is_placeholder and stored.author.address == "willy@infradead.org"
    assert Message.objects.get(msgid="reply@nvidia.com").parent_id == stored.pk


def test_it_replaces_a_placeholder_found_by_author_and_date():
    quoting = ingest_mail(mail(
        "quoting@kernel.org", "Re: mm: split",
        "On Mon, Apr 29, 2024 at 10:43:16PM -0400, Zi Yan wrote:\n"
        "> What accounting?\n\nThis one.\n",
        sender="Luis Chamberlain <mcgrof@kernel.org>", date="Tue, 30 Apr 2024 19:27:25 +0000",
    ))
    placeholder = quoting.message.parent
    assert placeholder.is_placeholder and placeholder.msgid.endswith("@placeholder.invalid")
    real = ingest_mail(mail(
        "ziy-real@nvidia.com", "Re: mm: split", "What accounting?\n",
        sender="Zi Yan <ziy@nvidia.com>", date="Mon, 29 Apr 2024 22:43:16 -0400",
    ))
    assert real.status == "replaced" and real.message.pk == placeholder.pk
    assert Message.objects.get(pk=placeholder.pk).msgid == "ziy-real@nvidia.com"
    assert Message.objects.filter(is_placeholder=True).count() == 0


def test_it_merges_two_threads_joined_by_a_late_message():
    ingest_mail(mail("c@x.org", "Re: t", "c\n", reply_to="b@x.org", references="<b@x.org>"))
    ingest_mail(mail("b2@x.org", "Re: t", "b2\n", reply_to="a@x.org", references="<a@x.org>"))
    assert Thread.objects.count() == 2
    ingest_mail(mail("b@x.org", "Re: t", "b\n", reply_to="a@x.org", references="<a@x.org>"))
    assert Thread.objects.count() == 1
    depths = dict(Message.objects.values_list("msgid", "depth"))
    assert depths["c@x.org"] == depths["b@x.org"] + 1


def test_it_reports_progress_for_each_message():
    seen = []
    ingest_file("0001-series-v1-v2-reviews.mbox", progress=lambda s: seen.append(s.total))
    assert seen == [1, 2, 3, 4, 5, 6, 7]


@pytest.fixture
def refuse_msgid():
    """A real database refusal: a trigger that aborts the insert of one Message-ID."""
    from django.db import connection

    def install(msgid: str) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "CREATE TRIGGER refuse BEFORE INSERT ON threads_message "
                    f"WHEN NEW.msgid = '{msgid}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            else:
                cursor.execute(
                    "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                    f"IF NEW.msgid = '{msgid}' THEN RAISE EXCEPTION 'refused'; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql"
                )
                cursor.execute("CREATE TRIGGER refuse BEFORE INSERT ON threads_message "
                               "FOR EACH ROW EXECUTE FUNCTION refuse()")

    return install


def test_it_skips_a_mail_the_database_refuses_and_keeps_the_rest_of_the_batch(refuse_msgid):
    refuse_msgid("Zgq1234-willy@casper.infradead.org")
    summary = ingest_file("0001-series-v1-v2-reviews.mbox")
    assert (summary.new, len(summary.failed)) == (6, 1)
    assert summary.failed[0].msgid == "Zgq1234-willy@casper.infradead.org"
    assert "refused" in summary.failed[0].reason
    assert Message.objects.count() == 6
    assert Patch.objects.get(number=1, series_version__version=1).status == "superseded"


def test_it_builds_the_same_series_when_mails_arrive_in_reverse():
    raw = (FIXTURES / "0001-series-v1-v2-reviews.mbox").read_bytes()
    mails = [b"From " + part for part in raw.split(b"\nFrom ")[1:]]
    mails.insert(0, raw.split(b"\nFrom ")[0])
    reverse = b"\n".join(reversed([m.rstrip(b"\n") + b"\n" for m in mails]))
    summary = messages_ingest_mbox(stream=io.BytesIO(reverse), source="file")
    assert summary.failed == []
    series = Series.objects.get()
    v1, v2 = series.versions.order_by("version")
    assert v1.cover.msgid == "20240401100000.1-cover@example.org" and v1.superseded_by == v2
    assert sorted(v1.patches.values_list("number", flat=True)) == [1, 2]
    assert list(v2.patches.values_list("number", flat=True)) == [1]
    assert Patch.objects.get(series_version=v1, number=1).status == Patch.Status.SUPERSEDED
    reply = Message.objects.get(msgid="A1B2C3D4-0001@nvidia.com")
    assert reply.parent.msgid == "20240401100000.2-patch1@example.org"


@pytest.mark.django_db(transaction=True)
def test_it_stores_a_mail_once_when_two_writers_race():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    from tests.conftest import require_service

    require_service("PostgreSQL", connection.vendor == "postgresql",
                    "concurrent writers need a server database")
    raw = mail("race@example.org", "[PATCH] mm: race", "Signed-off-by: A <a@b.c>\n")

    def writer(_: int) -> str:
        try:
            return ingest_mail(raw).status
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(writer, range(4)))
    assert statuses.count("new") == 1 and statuses.count("duplicate") == 3
    assert Message.objects.filter(msgid="race@example.org").count() == 1
