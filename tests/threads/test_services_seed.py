"""The seed end to end: the copied text of the lkml.iu.edu page, then the lore thread."""

from pathlib import Path

import pytest

from threads.models import CrashText, InlineDiff, Link, Message, Patch, Series, Thread
from threads.parsing.hypermail import parse_hypermail_text
from threads.services.ingest import message_ingest, messages_ingest_mbox

LORE_THREAD = Path(__file__).resolve().parent.parent / "fixtures" / "upstream" / \
    "0001-lore-thread-seed.mbox"
SERIES_NAME = "mm: do not split a folio if it has minimum folio order requirement"
pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(seed_text):
    return message_ingest(parsed=parse_hypermail_text(seed_text), source="lkml")


def test_it_reconstructs_the_ancestors_of_the_seed_from_its_quotes(seed):
    thread = seed.thread
    assert seed.status == "new" and seed.placeholders == 9
    chain, node = [], seed.message
    while node.parent_id:
        node = Message.objects.select_related("author").get(pk=node.parent_id)
        chain.append(node.author.name)
    assert chain == ["Zi Yan", "Luis Chamberlain", "Zi Yan", "Luis Chamberlain",
                     "Luis Chamberlain", "Luis Chamberlain", "Luis Chamberlain",
                     "Matthew Wilcox", "Pankaj Raghav (Samsung)"]
    assert thread.messages.filter(is_placeholder=True).count() == 9
    assert Message.objects.get(pk=seed.message.pk).depth == 9
    wilcox = thread.messages.get(author__name="Matthew Wilcox")
    assert wilcox.placeholder_source == seed.message and wilcox.source == "quote"
    assert "How would I go about reproducing this?" in wilcox.body


def test_it_files_the_seed_under_v4_patch_5_of_11(seed):
    patch = Message.objects.get(pk=seed.message.pk).about_patch
    assert (patch.series_version.series.name, patch.series_version.version) == (SERIES_NAME, 4)
    assert (patch.number, patch.series_version.total) == (5, 11)
    assert patch.status == Patch.Status.UNDER_REVIEW


def test_it_finds_the_two_proposed_fixes_links_and_crash_text(seed):
    diffs = InlineDiff.objects.filter(message=seed.message).order_by("start_line")
    assert [d.files for d in diffs] == [["mm/huge_memory.c"], ["mm/migrate.c"]]
    assert all(d.proposed_in.author.name == "Luis Chamberlain" for d in diffs)
    assert all(d.proposed_in.is_placeholder for d in diffs)
    kinds = sorted(Link.objects.filter(message=seed.message).values_list("kind", flat=True))
    assert kinds == ["gist", "gist", "github-commit"]
    crash = CrashText.objects.get(message=seed.message)
    assert "BUG: kernel NULL pointer dereference" in crash.text
    assert Message.objects.get(pk=seed.message.pk).has_crash_text


def test_it_loads_the_seed_once(seed, seed_text):
    again = message_ingest(parsed=parse_hypermail_text(seed_text), source="lkml")
    assert again.status == "duplicate" and Message.objects.count() == 10


def test_it_replaces_placeholders_and_the_copied_text_with_the_lore_thread(seed):
    with LORE_THREAD.open("rb") as stream:
        summary = messages_ingest_mbox(stream=stream, source="lore")
    assert summary.failed == []
    assert Thread.objects.count() == 1
    real = Message.objects.get(pk=seed.message.pk)
    assert real.msgid == "ZjFGzS9pZ9Dk6Dyt@bombadil.infradead.org" and real.source == "lore"
    assert real.author.address == "mcgrof@kernel.org"
    for name in ("Matthew Wilcox", "Zi Yan"):
        assert Message.objects.filter(author__name=name, is_placeholder=False).exists()
    # lore's copy quotes less: its content replaces the copied text's, nothing is doubled.
    assert CrashText.objects.filter(message=real).count() == 1
    assert InlineDiff.objects.filter(message=real).count() == 0
    patch = Patch.objects.get(number=5, series_version__version=4)
    assert patch.message.author.address == "kernel@pankajraghav.com"
    assert real.about_patch == patch
    assert Series.objects.filter(name=SERIES_NAME, author__isnull=True).count() == 0
