"""GitHub commit fetchers against a local server answering like the API and github.com."""

import pytest

from tests.threads.upstream import COMMIT, Upstream, fixture, point_settings
from threads.fetchers import errors
from threads.fetchers.github import fetch_commit, fetch_commit_patch


@pytest.fixture
def upstream(settings, httpserver) -> Upstream:
    up = Upstream(httpserver, point_settings(settings, httpserver))
    up.serve_commit()
    return up


def test_it_fetches_a_commit_from_the_api(upstream):
    data = fetch_commit(*COMMIT).json()
    assert data["sha"] == COMMIT[2]
    assert data["commit"]["message"].startswith("mm: split a folio in minimum folio order")
    assert [f["filename"] for f in data["files"]] == ["include/linux/huge_mm.h",
                                                      "mm/huge_memory.c"]


def test_it_fetches_the_patch_form(upstream):
    assert fetch_commit_patch(*COMMIT).content == fixture("0013-github-commit-e77a2a4.patch")


def test_it_revalidates_a_commit_with_its_etag(upstream):
    first = fetch_commit(*COMMIT)
    with pytest.raises(errors.NotModified):
        fetch_commit(*COMMIT, validators=first.validators)


def test_it_refuses_an_html_page_instead_of_a_patch(upstream, httpserver):
    owner, repo, _ = COMMIT
    httpserver.expect_request(f"/github/{owner}/{repo}/commit/abcdef1.patch").respond_with_data(
        b"<!DOCTYPE html><html><body>Sign in</body></html>", content_type="text/html")
    with pytest.raises(errors.BadContent, match="did not answer a patch"):
        fetch_commit_patch(owner, repo, "abcdef1")


def test_it_reports_an_unknown_commit(upstream, httpserver):
    owner, repo, _ = COMMIT
    httpserver.expect_request(f"/api/repos/{owner}/{repo}/commits/abcdef1").respond_with_json(
        {"message": "No commit found for SHA: abcdef1"}, status=422)
    with pytest.raises(errors.ClientError, match="HTTP 422"):
        fetch_commit(owner, repo, "abcdef1")


def test_it_refuses_names_that_are_not_a_repository(upstream, httpserver):
    with pytest.raises(errors.FetchError, match="not a GitHub commit"):
        fetch_commit("..", "x", "abcdef1")
    assert httpserver.log == []
