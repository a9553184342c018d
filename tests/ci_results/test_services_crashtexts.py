"""Crash text from mails and gists -> reports and signatures (services/crashtexts.py)."""

from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from ci_results.models import CrashReport, CrashSignature, ReclassifyEvent
from ci_results.services.crashtexts import crash_texts_classify
from tests.threads.upstream import GIST_CRASH, GIST_TRUNCATED, SEED_MSGID, Upstream, point_settings
from threads.models import CrashText, GistFile, Source
from threads.parsing.hypermail import parse_hypermail_text
from threads.services.ingest import message_ingest, messages_ingest_mbox
from threads.services.tracking import thread_track

SEED_TITLE = "BUG: unable to handle kernel NULL pointer dereference in filemap_get_folios_tag"
# One WARNING as a kernel prints it (a different signature from the seed's).
WARNING_TEXT = """\
[   12.345678] ------------[ cut here ]------------
[   12.345680] WARNING: CPU: 1 PID: 42 at mm/page-writeback.c:2600 folio_account_dirtied+0x1/0x2
[   12.345690] Modules linked in: xfs
[   12.345700] CPU: 1 PID: 42 Comm: kworker/u8:1 Not tainted 6.9.0-rc6 #10
[   12.345710] RIP: 0010:folio_account_dirtied+0x1/0x2
[   12.345720] Call Trace:
[   12.345721]  <TASK>
[   12.345722]  __folio_mark_dirty+0x10/0x20
[   12.345723]  filemap_dirty_folio+0x30/0x40
[   12.345724]  iomap_dirty_folio+0x50/0x60
[   12.345725]  </TASK>
[   12.345730] ---[ end trace 0000000000000000 ]---
"""
pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(seed_text, django_capture_on_commit_callbacks):
    """The seed ingested; the seam's on-commit handler runs (the task runs in-process)."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = message_ingest(parsed=parse_hypermail_text(seed_text), source="lkml")
    assert callbacks, "ingest stored crash text but announced none"
    return result.message


def test_it_classifies_the_seed_crash_text_when_ingest_commits(seed):
    text = CrashText.objects.get(message=seed)
    assert text.title == SEED_TITLE and text.classified_at is not None
    report = CrashReport.objects.select_related("signature").get(crash_text=text)
    assert report.run is None and report.signature.title == SEED_TITLE
    assert report.crash_type and report.guilty_frame == "filemap_get_folios_tag"
    assert report.kernel_version == "6.9.0-rc6"
    assert report.workqueue.startswith("writeback wb_workfn")
    assert report.seen_at == seed.date
    signature = report.signature
    assert (signature.report_count, signature.representative_id) == (1, report.pk)
    assert signature.first_seen == signature.last_seen == seed.date


def test_it_creates_nothing_when_classifying_twice(seed):
    before = (CrashReport.objects.count(), CrashSignature.objects.count())
    assert crash_texts_classify().texts == 0  # nothing left unclassified
    again = crash_texts_classify(reclassify=True)
    assert (again.texts, again.reports, again.moved) == (1, 1, 0)
    assert (CrashReport.objects.count(), CrashSignature.objects.count()) == before
    assert CrashSignature.objects.get(title=SEED_TITLE).report_count == 1
    assert not ReclassifyEvent.objects.exists()


def test_it_marks_text_without_a_crash_classified_with_no_title(db):
    text = CrashText.objects.create(text="Call Trace:\n hello from user space\n")
    summary = crash_texts_classify(ids=[text.pk])
    text.refresh_from_db()
    assert (summary.texts, summary.no_crash) == (1, 1)
    assert text.classified_at is not None and text.title == ""
    assert not CrashReport.objects.filter(crash_text=text).exists()


def test_it_dates_a_gist_crash_by_the_gist_fetch(db):
    source = Source.objects.create(kind=Source.Kind.GIST, key="d12f586ec6ebe32b2472b5d634c397df",
                                   url="https://api.github.com/gists/d12f586ec6ebe32b2472b5d634c397df")
    gist_file = GistFile.objects.create(source=source, gist_id=source.key, filename="crash.txt",
                                        content=WARNING_TEXT, has_crash_text=True)
    text = CrashText.objects.create(gist_file=gist_file, text=WARNING_TEXT)
    crash_texts_classify(ids=[text.pk])
    report = CrashReport.objects.get(crash_text=text)
    assert report.seen_at == GistFile.objects.get(pk=gist_file.pk).fetched_at
    assert report.title.startswith("WARNING in folio_account_dirtied")
    assert CrashText.objects.get(pk=text.pk).title == report.signature.title


def test_it_moves_the_report_when_a_reparse_finds_another_crash(seed):
    text = CrashText.objects.get(message=seed)
    CrashText.objects.filter(pk=text.pk).update(text=WARNING_TEXT)
    summary = crash_texts_classify(ids=[text.pk], reclassify=True, note="parser v2")
    assert summary.moved == 1
    event = ReclassifyEvent.objects.get()
    assert (event.old_title, event.note, event.run) == (SEED_TITLE, "parser v2", None)
    assert CrashSignature.objects.get(title=SEED_TITLE).report_count == 0
    moved = CrashReport.objects.get(crash_text=text)
    assert moved.signature.report_count == 1 and moved.signature.title == event.new_title
    assert CrashText.objects.get(pk=text.pk).title == event.new_title


def test_it_classifies_missed_texts_from_both_commands(db):
    first = CrashText.objects.create(text=WARNING_TEXT)
    call_command("classify_crash_texts", stdout=(out := StringIO()))
    assert "classified 1 crash text(s): 1 report(s)" in out.getvalue()
    second = CrashText.objects.create(text=WARNING_TEXT)
    call_command("reclassify", stdout=(out := StringIO()))
    assert "re-parsed 1 crash text(s) from mail and gists" in out.getvalue()
    assert CrashReport.objects.filter(crash_text__in=[first, second]).count() == 2
    assert CrashSignature.objects.get().report_count == 2


def test_it_counts_the_first_and_last_mail_that_showed_a_crash(db):
    early, late = datetime(2024, 4, 25, tzinfo=UTC), datetime(2024, 4, 30, tzinfo=UTC)
    for when in (late, early):
        source = Source.objects.create(kind=Source.Kind.GIST, key=f"g{when.day}", url="u")
        gist = GistFile.objects.create(source=source, gist_id=source.key, filename="f")
        GistFile.objects.filter(pk=gist.pk).update(fetched_at=when)  # auto_now on save
        CrashText.objects.create(gist_file=gist, text=WARNING_TEXT)
    crash_texts_classify()
    signature = CrashSignature.objects.get()
    assert (signature.first_seen, signature.last_seen, signature.report_count) == (early, late, 2)



def test_it_classifies_crash_text_of_an_mbox_import_on_commit(django_capture_on_commit_callbacks):
    mbox = Path(__file__).resolve().parent.parent / "fixtures" / "upstream" / \
        "0001-lore-thread-seed.mbox"
    with django_capture_on_commit_callbacks(execute=True), mbox.open("rb") as stream:
        messages_ingest_mbox(stream=stream, source="lore")
    texts = CrashText.objects.all()
    assert texts and not texts.filter(classified_at__isnull=True).exists()
    seed_texts = texts.filter(title=SEED_TITLE).count()
    assert seed_texts >= 1
    assert CrashSignature.objects.get(title=SEED_TITLE).report_count == seed_texts


def test_it_repairs_counts_a_deleted_crash_text_left_in_a_sweep(seed):
    CrashText.objects.filter(message=seed).delete()  # e.g. the mail's thread was removed
    signature = CrashSignature.objects.get(title=SEED_TITLE)
    assert signature.report_count == 1 and not signature.reports.exists()
    assert crash_texts_classify(ids=[]).recounted == 0  # only the sweep repairs
    assert crash_texts_classify().recounted == 1
    signature.refresh_from_db()
    assert (signature.report_count, signature.first_seen, signature.representative) == (
        0, None, None)


def test_it_classifies_the_tracked_seed_thread_and_its_gists(
    settings, httpserver, django_capture_on_commit_callbacks
):
    Upstream(httpserver, point_settings(settings, httpserver)).serve_seed()
    with django_capture_on_commit_callbacks(execute=True):
        thread_track(url_or_msgid=SEED_MSGID)
    gist_texts = CrashText.objects.filter(gist_file__gist_id__in=[GIST_CRASH, GIST_TRUNCATED])
    assert {t.gist_file.gist_id for t in gist_texts} == {GIST_CRASH, GIST_TRUNCATED}
    assert not CrashText.objects.filter(classified_at__isnull=True).exists()
    assert set(gist_texts.values_list("title", flat=True)) == {SEED_TITLE}
    shown = CrashReport.objects.filter(signature__title=SEED_TITLE)
    assert shown.filter(crash_text__message__msgid=SEED_MSGID).exists()


def _mail(msgid: str, body: str, day: int, reply_to: str | None = None):
    from threads.parsing.types import Address, ParsedMessage

    return message_ingest(parsed=ParsedMessage(
        message_id=msgid, subject="Re: [PATCH] mm: folio" if reply_to else "[PATCH] mm: folio",
        author=Address("Luis", "mcgrof@kernel.org"), date=datetime(2024, 4, day, tzinfo=UTC),
        body=body, in_reply_to=reply_to, references=(reply_to,) if reply_to else ()),
        source="file").message


def test_it_links_a_quoted_crash_without_counting_it_again(django_capture_on_commit_callbacks):
    quoted = "".join(f"> {line}\n" for line in WARNING_TEXT.splitlines())
    with django_capture_on_commit_callbacks(execute=True):
        first = _mail("report@kernel.org", f"I see this:\n\n{WARNING_TEXT}", 25)
        replies = [_mail(f"reply{i}@kernel.org", f"On Thu, Luis wrote:\n{quoted}\nSame here.\n",
                         26 + i, reply_to="report@kernel.org") for i in range(3)]
    signature = CrashSignature.objects.get()
    assert signature.report_count == 1  # the report, not its three quotes
    assert signature.last_seen == first.date
    assert [r.crash_text.message for r in signature.reports.all()] == [first]
    for reply in replies:  # each quote still links to the signature on the thread page
        text = CrashText.objects.get(message=reply)
        assert (text.quote_depth, text.title) == (1, signature.title)
    summary = crash_texts_classify(reclassify=True)
    assert (summary.texts, summary.reports, summary.quoted, summary.no_crash) == (4, 1, 3, 0)
    assert CrashSignature.objects.get().report_count == 1


def test_it_uncounts_a_quote_counted_before_on_reclassify(django_capture_on_commit_callbacks):
    # A quoted text classified by an earlier version held a report: re-parsing drops it.
    quoted = "".join(f"> {line}\n" for line in WARNING_TEXT.splitlines())
    with django_capture_on_commit_callbacks(execute=True):
        reply = _mail("reply@kernel.org", f"Luis wrote:\n{quoted}", 26)
    text = CrashText.objects.get(message=reply)
    signature = CrashSignature.objects.get()
    CrashReport.objects.create(crash_text=text, signature=signature, title=signature.title,
                               seen_at=reply.date)
    CrashSignature.objects.filter(pk=signature.pk).update(report_count=1)
    summary = crash_texts_classify(reclassify=True, note="")
    assert (summary.reports, summary.quoted, summary.moved) == (0, 1, 1)
    assert not CrashReport.objects.exists()
    assert CrashSignature.objects.get().report_count == 0
    assert ReclassifyEvent.objects.get().note == "quoted: not counted"
