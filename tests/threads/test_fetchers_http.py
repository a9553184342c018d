"""The HTTP client over real HTTP on loopback: hosts, redirects, retries, limits, gzip."""

import gzip
import time
from datetime import UTC, datetime

import pytest
from werkzeug import Response

from tests.conftest import free_port
from tests.threads.upstream import point_settings
from threads.fetchers import errors
from threads.fetchers.http import Exchange, HttpClient, Validators


@pytest.fixture
def urls(settings, httpserver):
    return point_settings(settings, httpserver)


@pytest.fixture
def exchanges() -> list[Exchange]:
    return []


@pytest.fixture
def client(urls, exchanges) -> HttpClient:
    return HttpClient(on_exchange=exchanges.append)


def test_it_sends_the_honest_user_agent_and_asks_for_gzip(client, urls, httpserver, settings):
    httpserver.expect_request("/lore/x").respond_with_data(b"ok")
    client.get(urls["LORE_BASE_URL"] + "/x")
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"] == settings.FETCH_USER_AGENT
    assert "kernel-bug-dashboard" in request.headers["User-Agent"]
    assert request.headers["Accept-Encoding"] == "gzip"


def test_it_refuses_hosts_that_are_not_configured(client, httpserver):
    with pytest.raises(errors.HostNotAllowed) as caught:
        client.get("https://example.org/gists/1")
    assert not caught.value.retryable
    assert httpserver.log == []


def test_it_refuses_a_redirect_to_a_host_that_is_not_configured(client, urls, httpserver):
    elsewhere = f"http://127.0.0.1:{free_port()}/evil"
    httpserver.expect_request("/lore/all/x").respond_with_response(
        Response(status=302, headers={"Location": elsewhere}))
    with pytest.raises(errors.HostNotAllowed, match="127.0.0.1"):
        client.get(urls["LORE_BASE_URL"] + "/all/x")


def test_it_follows_redirects_on_configured_hosts(client, urls, httpserver, exchanges):
    httpserver.expect_request("/lore/all/m/raw").respond_with_response(
        Response(status=302, headers={"Location": "/lore/linux-mm/m/raw"}))
    httpserver.expect_request("/lore/linux-mm/m/raw").respond_with_data(b"Subject: x\n\nbody")
    fetched = client.get(urls["LORE_BASE_URL"] + "/all/m/raw")
    assert fetched.url.endswith("/lore/linux-mm/m/raw")
    assert fetched.content == b"Subject: x\n\nbody"
    assert [e.status for e in exchanges] == [302, 200]


def test_it_sends_stored_validators_and_raises_not_modified(client, urls, httpserver):
    def handler(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(b"data", headers={"ETag": '"v1"', "Last-Modified": "Tue, 30 Apr 2024 "
                                                                          "19:27:30 GMT"})

    httpserver.expect_request("/api/gists/abc").respond_with_handler(handler)
    first = client.get(urls["GITHUB_API_URL"] + "/gists/abc")
    assert first.validators == Validators('"v1"', "Tue, 30 Apr 2024 19:27:30 GMT")
    with pytest.raises(errors.NotModified):
        client.get(urls["GITHUB_API_URL"] + "/gists/abc", validators=first.validators)
    second_request, _ = httpserver.log[1]
    assert second_request.headers["If-Modified-Since"] == "Tue, 30 Apr 2024 19:27:30 GMT"


def test_it_retries_server_errors_then_returns_the_answer(client, urls, httpserver, exchanges):
    httpserver.expect_ordered_request("/lore/t").respond_with_data(b"", status=500)
    httpserver.expect_ordered_request("/lore/t").respond_with_data(b"", status=503)
    httpserver.expect_ordered_request("/lore/t").respond_with_data(b"fine")
    assert client.get(urls["LORE_BASE_URL"] + "/t").content == b"fine"
    assert len(httpserver.log) == 3
    assert exchanges[-1].retries == 2


def test_it_reports_a_server_error_once_the_retries_run_out(client, urls, httpserver):
    httpserver.expect_request("/lore/t").respond_with_data(b"oops", status=502)
    with pytest.raises(errors.ServerError, match="HTTP 502") as caught:
        client.get(urls["LORE_BASE_URL"] + "/t")
    assert caught.value.retryable
    assert len(httpserver.log) == 3  # FETCH_RETRIES = 2 in tests


def test_it_waits_as_long_as_retry_after_says_when_that_is_short(client, urls, httpserver):
    httpserver.expect_ordered_request("/lore/t").respond_with_data(
        b"", status=429, headers={"Retry-After": "1"})
    httpserver.expect_ordered_request("/lore/t").respond_with_data(b"fine")
    started = time.monotonic()
    assert client.get(urls["LORE_BASE_URL"] + "/t").content == b"fine"
    assert time.monotonic() - started >= 0.9


def test_it_gives_up_at_once_when_retry_after_is_long(client, urls, httpserver):
    httpserver.expect_request("/lore/t").respond_with_data(
        b"slow down", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(errors.RateLimited) as caught:
        client.get(urls["LORE_BASE_URL"] + "/t")
    assert len(httpserver.log) == 1
    wait = (caught.value.retry_at - datetime.now(UTC)).total_seconds()
    assert 3500 < wait <= 3600
    assert caught.value.retryable


@pytest.mark.parametrize("status", [403, 429])
def test_it_reads_github_rate_limit_headers(client, urls, httpserver, status):
    httpserver.expect_request("/api/gists/abc").respond_with_data(
        b'{"message": "API rate limit exceeded"}', status=status,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1714510000"})
    with pytest.raises(errors.RateLimited, match="rate-limited") as caught:
        client.get(urls["GITHUB_API_URL"] + "/gists/abc")
    assert caught.value.retry_at == datetime.fromtimestamp(1714510000, UTC)
    assert len(httpserver.log) == 1  # an exhausted quota is not hammered


def test_it_treats_a_plain_403_as_a_client_error(client, urls, httpserver):
    httpserver.expect_request("/api/gists/abc").respond_with_data(b"no", status=403)
    with pytest.raises(errors.ClientError) as caught:
        client.get(urls["GITHUB_API_URL"] + "/gists/abc")
    assert not caught.value.retryable


@pytest.mark.parametrize(("status", "words"), [(404, "not found"), (410, "gone")])
def test_it_raises_not_found_for_missing_and_gone(client, urls, httpserver, status, words):
    httpserver.expect_request("/api/gists/abc").respond_with_data(b"{}", status=status)
    with pytest.raises(errors.NotFound, match=words) as caught:
        client.get(urls["GITHUB_API_URL"] + "/gists/abc")
    assert caught.value.status == status
    assert not caught.value.retryable


def test_it_times_out_on_a_server_that_does_not_answer(settings, urls, httpserver, exchanges):
    settings.FETCH_RETRIES = 0

    def slow(request):
        time.sleep(0.6)
        return Response(b"late")

    httpserver.expect_request("/lore/slow").respond_with_handler(slow)
    client = HttpClient(on_exchange=exchanges.append, timeout=0.2)
    with pytest.raises(errors.Timeout) as caught:
        client.get(urls["LORE_BASE_URL"] + "/slow")
    assert caught.value.retryable
    assert exchanges[0].error.startswith(urls["LORE_BASE_URL"] + "/slow did not answer in time")


def test_it_reports_a_refused_connection(settings, client):
    settings.LORE_BASE_URL = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(errors.ConnectionFailed, match="could not connect") as caught:
        client.get(settings.LORE_BASE_URL + "/all/x/raw")
    assert caught.value.retryable


def test_it_refuses_a_body_over_the_limit_by_its_content_length(urls, httpserver):
    httpserver.expect_request("/lore/big").respond_with_data(b"x" * 5000)
    with pytest.raises(errors.TooLarge, match="5000 bytes"):
        HttpClient(max_bytes=1000).get(urls["LORE_BASE_URL"] + "/big")


def test_it_stops_reading_a_body_without_length_at_the_limit(urls, httpserver):
    httpserver.expect_request("/lore/big").respond_with_response(
        Response((b"x" * 1000 for _ in range(50)), direct_passthrough=True))
    with pytest.raises(errors.TooLarge, match="more than the 10000 bytes"):
        HttpClient(max_bytes=10_000).get(urls["LORE_BASE_URL"] + "/big")


def test_it_decodes_a_gzip_content_encoding(client, urls, httpserver, exchanges):
    body = b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" * 100
    httpserver.expect_request("/lore/gz").respond_with_data(
        gzip.compress(body), headers={"Content-Encoding": "gzip"})
    assert client.get(urls["LORE_BASE_URL"] + "/gz").content == body
    assert exchanges[0].bytes < len(body)  # the log counts bytes on the wire


def test_it_reports_a_truncated_gzip_content_encoding(client, urls, httpserver):
    packed = gzip.compress(b"line of mail\n" * 2000)
    httpserver.expect_request("/lore/gz").respond_with_data(
        packed[: len(packed) // 2], headers={"Content-Encoding": "gzip"})
    with pytest.raises(errors.Truncated, match="truncated gzip") as caught:
        client.get(urls["LORE_BASE_URL"] + "/gz")
    assert caught.value.retryable


def test_it_refuses_gzip_that_inflates_past_the_limit(urls, httpserver):
    httpserver.expect_request("/lore/bomb").respond_with_data(
        gzip.compress(b"\0" * 1_000_000), headers={"Content-Encoding": "gzip"})
    with pytest.raises(errors.TooLarge, match="decompresses to more than"):
        HttpClient(max_bytes=100_000).get(urls["LORE_BASE_URL"] + "/bomb")


def test_it_reports_a_body_shorter_than_its_content_length(client, urls, httpserver):
    httpserver.expect_request("/lore/cut").respond_with_response(
        Response([b"only this"], headers={"Content-Length": "5000"}, direct_passthrough=True))
    with pytest.raises(errors.Truncated, match="before the whole body arrived"):
        client.get(urls["LORE_BASE_URL"] + "/cut")


def test_it_sends_the_github_token_to_the_api_host_only(settings, client, urls, httpserver):
    settings.GITHUB_TOKEN = "ghp_test"
    httpserver.expect_request("/api/gists/a").respond_with_data(b"{}")
    httpserver.expect_request("/github/o/r/commit/abcdef1.patch").respond_with_data(b"From x")
    client.get(urls["GITHUB_API_URL"] + "/gists/a")
    client.get(urls["GITHUB_WEB_URL"] + "/o/r/commit/abcdef1.patch")
    api_request, _ = httpserver.log[0]
    web_request, _ = httpserver.log[1]
    assert api_request.headers["Authorization"] == "Bearer ghp_test"
    assert "Authorization" not in web_request.headers


def test_it_logs_url_status_bytes_and_duration_of_each_request(client, urls, httpserver,
                                                               exchanges):
    httpserver.expect_request("/lore/a").respond_with_data(b"12345")
    httpserver.expect_request("/lore/b").respond_with_data(b"", status=404)
    client.get(urls["LORE_BASE_URL"] + "/a")
    with pytest.raises(errors.NotFound):
        client.get(urls["LORE_BASE_URL"] + "/b")
    assert [(e.url, e.status, e.bytes) for e in exchanges] == [
        (urls["LORE_BASE_URL"] + "/a", 200, 5), (urls["LORE_BASE_URL"] + "/b", 404, 0)]
    assert all(e.duration_ms >= 0 and e.method == "GET" for e in exchanges)


def test_it_stops_asking_github_once_the_quota_is_spent(client, urls, httpserver):
    reset = int(time.time()) + 600
    httpserver.expect_request("/api/gists/a").respond_with_data(
        b"{}", headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    httpserver.expect_request("/api/gists/b").respond_with_data(b"{}")
    httpserver.expect_request("/lore/x").respond_with_data(b"ok")
    assert client.get(urls["GITHUB_API_URL"] + "/gists/a").content == b"{}"  # the last one
    with pytest.raises(errors.RateLimited, match="quota is spent") as caught:
        client.get(urls["GITHUB_API_URL"] + "/gists/b")
    assert caught.value.retry_at.timestamp() == reset
    assert client.get(urls["LORE_BASE_URL"] + "/x").content == b"ok"  # other sources go on
    assert [r.path for r, _ in httpserver.log] == ["/api/gists/a", "/lore/x"]
