"""The seed case end to end against the local upstream: track, then what got stored."""

import pytest

from tests.threads.upstream import (
    COMMIT,
    GIST_CRASH,
    GIST_TRUNCATED,
    PATCH_MSGID,
    SEED_MSGID,
    Upstream,
    point_settings,
)
from threads.models import Commit, CrashText, FetchLog, GistFile, Link, Message, Source
from threads.services.tracking import thread_track

pytestmark = pytest.mark.django_db


@pytest.fixture
def upstream(settings, httpserver) -> Upstream:
    up = Upstream(httpserver, point_settings(settings, httpserver))
    up.serve_seed()
    return up


def test_it_brings_in_the_thread_its_gists_and_the_commit(upstream):
    thread = thread_track(url_or_msgid=f"<{SEED_MSGID}>")
    assert thread.tracked
    assert thread.messages.filter(is_placeholder=False).count() == 6
    assert Message.objects.get(msgid=SEED_MSGID).thread == thread
    gist_link = Link.objects.get(message__msgid=PATCH_MSGID, kind="gist")
    assert gist_link.key == GIST_CRASH and gist_link.source.last_success_at
    seed_links = {link.kind: link for link in Link.objects.filter(message__msgid=SEED_MSGID)}
    assert seed_links["gist"].key == GIST_TRUNCATED
    assert seed_links["github-commit"].source.kind == Source.Kind.GITHUB_COMMIT
    files = GistFile.objects.order_by("gist_id")
    assert [(f.gist_id, f.has_crash_text) for f in files] == [
        (GIST_TRUNCATED, True), (GIST_CRASH, True)]
    whole = GistFile.objects.get(gist_id=GIST_TRUNCATED)
    assert whole.truncated and "ret_from_fork_asm" in whole.content  # read from raw_url
    assert CrashText.objects.filter(gist_file__isnull=False).count() >= 2
    commit = Commit.objects.get(sha=COMMIT[2])
    assert commit.repo == "linux-kdevops/linux"
    assert commit.subject == "mm: split a folio in minimum folio order chunks"
    assert commit.author_email == "mcgrof@kernel.org" and len(commit.patch_id) == 40
    assert commit.files[1]["filename"] == "mm/huge_memory.c"
    assert FetchLog.objects.filter(status=200).count() >= 6


def test_it_accepts_a_lore_url(upstream):
    thread = thread_track(url_or_msgid=f"{upstream.urls['LORE_BASE_URL']}/linux-mm/{SEED_MSGID}/")
    assert thread.messages.count() >= 6


def test_it_tracks_a_thread_twice_without_duplicates(upstream):
    first = thread_track(url_or_msgid=SEED_MSGID)
    second = thread_track(url_or_msgid=f"https://lore.kernel.org/all/{PATCH_MSGID}/")
    assert first.pk == second.pk
    assert Message.objects.filter(is_placeholder=False).count() == 6
    assert GistFile.objects.count() == 2 and Commit.objects.count() == 1
