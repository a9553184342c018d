"""threads/views.py: thread list, thread tree, message and series pages."""

from pathlib import Path

import pytest
from django.urls import reverse

from dashboard.demo import artifacts
from dashboard.demo import threads as demo
from threads.models import Message, Patch, Series, Source, Thread
from threads.services.artifacts import gist_store
from threads.services.ingest import messages_ingest_mbox

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "threads"
pytestmark = pytest.mark.django_db


def ingest(name: str) -> None:
    with (FIXTURES / name).open("rb") as stream:
        messages_ingest_mbox(stream=stream, source="file")


def test_it_lists_threads_with_counts_series_and_statuses(client):
    demo.load()
    ingest("0001-series-v1-v2-reviews.mbox")
    page = client.get(reverse("threads-list")).content.decode()
    assert "mm: do not split a folio if it has minimum folio order requirement v4" in page
    assert "+9 from quotes" in page and "badge-demo" in page
    assert "superseded" in page and "mm: fix folio split race" in page


def test_it_says_how_to_get_threads_when_there_are_none(client):
    assert "import_mbox" in client.get(reverse("threads-list")).content.decode()


def test_it_shows_the_seed_tree_with_placeholders_diffs_links_and_crash(client):
    demo.load()
    thread = Thread.objects.get()
    page = client.get(reverse("threads-detail", args=[thread.pk])).content.decode()
    assert page.count("reconstructed from quotes") >= 9
    assert page.count('<details class="node"') == 10
    assert "mm/huge_memory.c" in page and "mm/migrate.c" in page
    assert '<span class="add">+ if (folio_test_dirty(folio)) {</span>' in page
    assert 'href="https://gist.github.com/mcgrof/c44aaed21b99ae4ecf3d7fc6a1bb00bc"' in page
    assert "kernel crash text" in page
    assert '<span class="mono">BUG: kernel NULL pointer dereference, address: 0000000000000036' \
        in page  # the folded crash text is named by its first BUG line
    assert "quoted from Zi Yan" in page
    assert "2024-04-30 19:27 UTC" in page


def test_it_shows_one_message_by_pk_and_by_message_id(client):
    ingest("0001-series-v1-v2-reviews.mbox")
    m = Message.objects.get(msgid="A1B2C3D4-0001@nvidia.com")
    by_pk = client.get(reverse("threads-message", args=[m.thread_id, m.pk]))
    by_id = client.get(reverse("threads-message-by-id", args=[m.msgid]))
    assert by_pk.status_code == by_id.status_code == 200
    assert "Reviewed-by: Zi Yan &lt;ziy@nvidia.com&gt;" in by_pk.content.decode()
    wrong_thread = client.get(reverse("threads-message", args=[m.thread_id + 99, m.pk]))
    assert wrong_thread.status_code == 404


def test_it_shows_the_series_grid_with_evidence_and_an_interdiff(client):
    ingest("0001-series-v1-v2-reviews.mbox")
    series = Series.objects.get()
    url = reverse("threads-series", args=[series.pk])
    page = client.get(url).content.decode()
    assert "<th>v1" in page and "<th>v2" in page
    cover = Message.objects.get(msgid="20240409090000.0-v2-cover@example.org")
    evidence = reverse("threads-message", args=[cover.thread_id, cover.pk])
    assert "superseded by v2" in page and f'href="{evidence}">Jane Developer Apr 9' in page
    assert "diff v1→v2" in page
    diff = client.get(url, {"number": 1, "old": 1, "new": 2}).content.decode()
    # A diff of two diffs: the v2 line is added, the v1 line removed.
    assert 'class="add">++	if (folio_test_dirty(folio) || folio_test_writeback(folio) ||' in diff
    assert 'class="del">-+	if (folio_test_dirty(folio) || folio_test_writeback(folio))' in diff


def test_it_shows_why_a_patch_has_its_status(client):
    ingest("0001-series-v1-v2-reviews.mbox")
    Patch.objects.filter(number=2).update(status_reason="Matthew asked for changes")
    page = client.get(reverse("threads-series", args=[Series.objects.get().pk])).content.decode()
    assert "Matthew asked for changes" in page


def test_it_shows_hostile_mail_as_text(client):
    ingest("0003-hostile-body.mbox")
    m = Message.objects.get()
    for url in (reverse("threads-detail", args=[m.thread_id]),
                reverse("threads-message", args=[m.thread_id, m.pk]), reverse("threads-list")):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert 'href="javascript:' not in page
    page = client.get(reverse("threads-detail", args=[m.thread_id])).content.decode()
    assert "&lt;script&gt;alert(&#x27;body&#x27;)&lt;/script&gt;" in page
    assert "javascript:alert(document.cookie)" in page


def test_it_answers_404_for_unknown_ids(client):
    assert client.get(reverse("threads-detail", args=[999])).status_code == 404
    assert client.get(reverse("threads-series", args=[999])).status_code == 404
    assert client.get(reverse("threads-message-by-id", args=["nope@x"])).status_code == 404


def test_it_caps_quote_indents_and_marks_deep_replies(client):
    demo.load()
    thread = Thread.objects.get()
    page = client.get(reverse("threads-detail", args=[thread.pk])).content.decode()
    # The depth goes to CSS (capped there), never as an unbounded inline margin.
    assert "margin-left" not in page and 'style="--depth: 9"' in page
    assert 'title="reply level 9">↳9</span>' in page


def test_it_shows_a_stored_gist_and_commit_under_their_links(client):
    demo.load()
    artifacts.load()
    thread = Thread.objects.get()
    source = Source.objects.get(key=artifacts.SHORT_GIST)
    hostile = "<script>alert(1)</script>\n" + "x" * 12000
    gist_store(source=source, payload={"files": {"notes.txt": {"content": hostile}}})
    page = client.get(reverse("threads-detail", args=[thread.pk])).content.decode()
    assert "not fetched yet" not in page and "stored <time" in page
    assert '<span class="mono">xfs-writeback-null-ptr-deref.txt</span> ·' in page
    assert "# reconstructed from the message for the demo (not fetched)" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "Showing the first 10,000 of 12,026 characters" in page
    assert "<strong>mm: split a folio in minimum folio order chunks</strong>" in page
    assert "Luis Chamberlain &lt;mcgrof@kernel.org&gt;" in page
    assert 'mm/huge_memory.c</span> <span class="diffstat-add">+10</span>' in page
    assert '<span class="add">+\tunsigned int min_order = 0;</span>' in page
