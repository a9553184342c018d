"""``manage.py load_demo`` with every part (dashboard/demo/): the seed thread, its gists and
commit reconstructed without network, and the crash signature they all link to."""

from io import StringIO

import pytest
from django.core.management import call_command

from ci_results.models import CrashReport, CrashSignature
from ci_results.services.crashtexts import crash_texts_classify
from dashboard.demo import PARTS
from dashboard.demo import artifacts as demo_artifacts
from dashboard.demo import threads as demo_threads
from dashboard.demo.artifacts import COMMIT_KEY, COMMIT_SHA, DECODED_GIST, LABEL, SHORT_GIST
from threads.models import Commit, CrashText, GistFile, Link, Message, Person, Source, Thread
from threads.parsing.hypermail import parse_hypermail_text
from threads.services.ingest import message_ingest

SEED_TITLE = "BUG: unable to handle kernel NULL pointer dereference in filemap_get_folios_tag"
MODELS = (Thread, Message, Person, Link, Source, GistFile, Commit, CrashText, CrashReport,
          CrashSignature)
pytestmark = pytest.mark.django_db


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    counts = {m.__name__: m.objects.count() for m in MODELS}
    counts["signature"] = list(CrashSignature.objects.values_list(
        "title", "report_count", "first_seen", "last_seen"))
    counts["gist files"] = list(GistFile.objects.order_by("pk").values_list(
        "pk", "content", "fetched_at"))
    counts["commit"] = list(Commit.objects.values_list("pk", "patch_id", "fetched_at"))
    return counts


def test_it_loads_the_artifacts_after_the_seed_thread():
    assert PARTS.index("dashboard.demo.artifacts") == PARTS.index("dashboard.demo.threads") + 1


def test_it_stores_both_gists_and_the_commit_labelled_as_reconstructed():
    out = load_demo()
    assert "artifacts: 2 gists and the kdevops commit stored" in out and SEED_TITLE in out
    files = {f.gist_id: f for f in GistFile.objects.all()}
    assert set(files) == {SHORT_GIST, DECODED_GIST}
    assert all(f.content.startswith(f"# {LABEL}\n") and f.has_crash_text for f in files.values())
    assert "All code" in files[DECODED_GIST].content
    assert "All code" not in files[SHORT_GIST].content
    assert "kernel: </TASK>" in files[SHORT_GIST].content
    commit = Commit.objects.get(sha=COMMIT_SHA)
    assert commit.repo == "linux-kdevops/linux" and LABEL in commit.message
    assert "mapping_min_folio_order(folio->mapping)" in commit.diff and commit.patch_id
    assert [f["filename"] for f in commit.files] == ["include/linux/huge_mm.h",
                                                     "mm/huge_memory.c"]
    assert Link.objects.filter(key__in=[SHORT_GIST, DECODED_GIST], source__isnull=True).count() == 0


def test_it_links_the_seed_message_and_both_gists_to_the_seed_signature(client):
    load_demo()
    signature = CrashSignature.objects.get(title=SEED_TITLE)
    texts = CrashText.objects.filter(crash_reports__signature=signature).distinct()
    assert {t.gist_file.gist_id if t.gist_file else "mail" for t in texts} == {
        "mail", SHORT_GIST, DECODED_GIST}
    assert all(t.title == SEED_TITLE for t in texts) and signature.report_count == 3
    seed = CrashText.objects.get(message__isnull=False).message
    page = client.get(f"/crashes/{signature.pk}/").content.decode()
    # pasted in the seed, which also links (or quotes the link to) both gists: each gist line
    # and its "linked from" line lead there
    assert page.count(f'href="/threads/{seed.thread_id}/#m{seed.pk}"') == 5
    thread_page = client.get(f"/threads/{seed.thread_id}/").content.decode()
    assert thread_page.count("/crashes/by-title/?title=BUG%3A%20unable") >= 3


def test_it_changes_nothing_when_loaded_twice():
    load_demo()
    before = snapshot()
    out = load_demo()
    assert "already loaded" in out
    assert snapshot() == before


def test_it_removes_only_demo_data(seed_text):
    other = seed_text.replace("Luis Chamberlain", "Someone Else").replace(
        "Tue Apr 30 2024", "Wed May 01 2024")
    kept = message_ingest(parsed=parse_hypermail_text(other), source="lkml").thread
    kept_messages = Message.objects.filter(thread=kept).count()
    load_demo()
    assert Thread.objects.count() == 2
    out = load_demo("--remove")
    assert "artifacts: removed 1 demo commit(s)" in out
    assert list(Thread.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not Commit.objects.exists() and not GistFile.objects.exists()
    assert not CrashReport.objects.exists() and not CrashSignature.objects.exists()
    assert Message.objects.filter(thread=kept).count() == kept_messages > 0


def test_it_keeps_a_signature_real_data_also_shows():
    load_demo()
    real = CrashText.objects.create(text=CrashText.objects.get(message__isnull=False).text)
    crash_texts_classify(ids=[real.pk])
    load_demo("--remove")
    signature = CrashSignature.objects.get(title=SEED_TITLE)
    assert signature.report_count == 1
    assert CrashReport.objects.get().crash_text_id == real.pk


def test_it_marks_the_demo_gists_and_commit_as_checked_and_stored(client):
    load_demo()
    sources = Source.objects.filter(key__in=[SHORT_GIST, DECODED_GIST, COMMIT_KEY])
    assert sources.count() == 3
    for source in sources:
        assert source.last_checked_at and source.last_success_at == source.last_checked_at
        assert source.next_check_at is None and source.last_change_summary == LABEL
    thread = Thread.objects.get(is_demo=True)
    page = client.get(f"/threads/{thread.pk}/").content.decode()
    assert "not fetched yet" not in page and page.count("badge-good\">stored</span>") == 3


def test_it_dates_the_gists_crash_by_the_mail_that_links_them(client):
    demo_threads.load()
    demo_artifacts.load()
    seed = Message.objects.get(is_placeholder=False)
    signature = CrashSignature.objects.get(title=SEED_TITLE)
    # Not when the demo was loaded: the gists are as old as the mail that links them.
    assert signature.first_seen == signature.last_seen == seed.date
    assert set(CrashReport.objects.values_list("seen_at", flat=True)) == {seed.date}
    page = client.get(f"/crashes/{signature.pk}/").content.decode()
    assert "of the newest 0" not in page and "Counts per kernel" not in page
    for gist in (SHORT_GIST, DECODED_GIST):  # each gist line leads to the mail linking it
        assert f'<a class="mono wrap" href="/threads/{seed.thread_id}/#m{seed.pk}" ' \
            f'title="the message that links the gist">{gist}/' in page
