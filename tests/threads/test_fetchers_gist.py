"""Gist fetcher against a local server answering like the GitHub gists API."""

import json

import pytest

from tests.threads.upstream import (
    GIST_CRASH,
    GIST_TRUNCATED,
    Upstream,
    fixture,
    github_quota_headers,
    point_settings,
)
from threads.fetchers import errors
from threads.fetchers.gist import fetch_gist


@pytest.fixture
def upstream(settings, httpserver) -> Upstream:
    up = Upstream(httpserver, point_settings(settings, httpserver))
    up.serve_gists()
    return up


def test_it_fetches_a_gist_with_its_files(upstream):
    gist = fetch_gist(GIST_CRASH)
    assert gist.data["id"] == GIST_CRASH
    (name, content), = gist.contents.items()
    assert name == "lbs-xfs-writeback-null-deref.txt"
    assert "BUG: kernel NULL pointer dereference" in content
    assert gist.fetched_raw == ()


def test_it_reads_a_truncated_file_from_its_raw_url(upstream, httpserver):
    gist = fetch_gist(GIST_TRUNCATED)
    (name, content), = gist.contents.items()
    assert content == fixture("0011-gist-c44aaed-raw-file.txt").decode()
    assert gist.fetched_raw == (name,)
    assert any("/gistraw/mcgrof/" in request.path for request, _ in httpserver.log)


def test_it_sends_the_api_headers_and_revalidates_with_the_etag(upstream, httpserver):
    first = fetch_gist(GIST_CRASH)
    request, _ = httpserver.log[0]
    assert request.headers["Accept"] == "application/vnd.github+json"
    with pytest.raises(errors.NotModified):
        fetch_gist(GIST_CRASH, validators=first.validators)


def test_it_reports_a_deleted_gist(upstream, httpserver):
    httpserver.expect_request("/api/gists/0123abcd").respond_with_data(
        b'{"message": "Not Found"}', status=404, content_type="application/json")
    with pytest.raises(errors.NotFound) as caught:
        fetch_gist("0123abcd")
    assert not caught.value.retryable


def test_it_reports_the_rate_limit(upstream, httpserver):
    httpserver.expect_request("/api/gists/0123abcd").respond_with_data(
        fixture("0014-github-rate-limited.json"), status=403,
        headers=github_quota_headers(remaining=0, reset=1714510000))
    with pytest.raises(errors.RateLimited) as caught:
        fetch_gist("0123abcd")
    assert caught.value.retry_at.timestamp() == 1714510000


def test_it_refuses_a_raw_url_on_another_host(upstream, httpserver):
    doc = json.loads(fixture("0010-gist-c44aaed-truncated-file.json"))
    for info in doc["files"].values():
        info["raw_url"] = "https://elsewhere.example/raw/file.txt"
    httpserver.expect_request("/api/gists/0123abcd").respond_with_json(doc)
    with pytest.raises(errors.HostNotAllowed, match="elsewhere.example"):
        fetch_gist("0123abcd")


def test_it_refuses_a_changed_api_document(upstream, httpserver):
    httpserver.expect_request("/api/gists/0123abcd").respond_with_json({"id": "0123abcd"})
    with pytest.raises(errors.BadContent, match="without 'files'"):
        fetch_gist("0123abcd")


def test_it_refuses_what_is_not_a_gist_id(upstream, httpserver):
    with pytest.raises(errors.FetchError, match="not a gist id"):
        fetch_gist("../users/x")
    assert httpserver.log == []
