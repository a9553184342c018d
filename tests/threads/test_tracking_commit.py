"""A fetched commit is stored with its patch-id, so the change posted later is recognised."""

import pytest

from tests.threads.upstream import COMMIT, SEED_MSGID, Upstream, fixture, point_settings
from threads.models import Commit, InlineDiff, Source
from threads.parsing.diff import compute_patch_id
from threads.parsing.message import parse_message
from threads.services.ingest import message_ingest
from threads.services.tracking import source_fetch_commit, thread_track

pytestmark = pytest.mark.django_db


@pytest.fixture
def upstream(settings, httpserver) -> Upstream:
    up = Upstream(httpserver, point_settings(settings, httpserver))
    up.serve_seed()
    return up


def posted_on_the_list() -> bytes:
    """The kdevops commit as a later mail: same diff, a list Message-ID (v5 of the series)."""
    patch = fixture("0013-github-commit-e77a2a4.patch")
    body = patch[patch.index(b"\n\n") + 2:].replace(b"2.43.0", b"2.45.2")
    return (b"From: Luis Chamberlain <mcgrof@kernel.org>\n"
            b"Subject: [PATCH v5 06/11] mm: split a folio in minimum folio order chunks\n"
            b"Date: Fri, 03 May 2024 09:53:22 +0000\n"
            b"Message-ID: <20240503095353.3798063-7-mcgrof@kernel.org>\n\n" + body)


def test_it_recognises_the_commit_when_posted_on_the_list(upstream):
    thread_track(url_or_msgid=SEED_MSGID)
    commit = Commit.objects.get(sha=COMMIT[2])
    result = message_ingest(parsed=parse_message(posted_on_the_list()), source="lore")
    diff = InlineDiff.objects.get(message=result.message)
    assert diff.patch_id == commit.patch_id != ""


def test_it_takes_the_diff_from_the_api_when_the_patch_form_fails(upstream, httpserver):
    owner, repo, sha = COMMIT
    httpserver.clear_all_handlers()
    httpserver.expect_request(f"/github/{owner}/{repo}/commit/{sha}.patch").respond_with_data(
        b"", status=500)
    upstream.serve_commit()
    source = Source.objects.create(kind=Source.Kind.GITHUB_COMMIT, key=f"{owner}/{repo}@{sha}",
                                   url="x")
    outcome = source_fetch_commit(source=source)
    assert outcome.error == "" and ".patch unavailable" in outcome.changed[0]
    patch = fixture("0013-github-commit-e77a2a4.patch").decode()
    assert Commit.objects.get(sha=sha).patch_id == compute_patch_id(
        patch[patch.index("diff --git"):])  # the same change as the .patch form
