"""lkml.iu.edu page fetcher against a local server."""

import pytest

from tests.threads.upstream import Upstream, fixture, point_settings
from threads.fetchers import errors, lkml


@pytest.fixture
def upstream(settings, httpserver) -> Upstream:
    return Upstream(httpserver, point_settings(settings, httpserver))


def test_it_fetches_an_mhonarc_page(upstream):
    upstream.serve_lkml_pages()
    url = upstream.urls["LKML_BASE_URL"] + "/hypermail/linux/kernel/2404.3/07010.html"
    fetched = lkml.fetch_page(url)
    assert fetched.content == fixture("0005-lkml-2404.3-07010-seed-page.html")
    with pytest.raises(errors.NotModified):
        lkml.fetch_page(url, validators=fetched.validators)


def test_it_reports_a_changed_layout(upstream, httpserver):
    httpserver.expect_request("/lkml/hypermail/linux/kernel/2404.3/07010.html").respond_with_data(
        fixture("0007-lkml-changed-layout.html"), content_type="text/html")
    with pytest.raises(errors.BadContent, match="layout changed") as caught:
        lkml.fetch_page(
            upstream.urls["LKML_BASE_URL"] + "/hypermail/linux/kernel/2404.3/07010.html")
    assert not caught.value.retryable


@pytest.mark.parametrize("url", [
    "{base}/hypermail/linux/kernel/2404.3/index.html",
    "{base}/../etc/passwd",
    "https://lkml.iu.edu/hypermail/linux/kernel/2404.3/07010.html",  # not the configured host
])
def test_it_fetches_only_message_pages_of_the_configured_host(upstream, url, httpserver):
    with pytest.raises(errors.HostNotAllowed):
        lkml.fetch_page(url.format(base=upstream.urls["LKML_BASE_URL"]))
    assert httpserver.log == []


def test_it_names_pages_by_volume_and_number(settings):
    settings.LKML_BASE_URL = "https://lkml.iu.edu"
    url = "https://lkml.iu.edu/hypermail/linux/kernel/2404.3/07010.html"
    assert lkml.page_key(url) == "2404.3/07010"
    assert lkml.page_url("2404.3/07010") == url
    assert lkml.resolve(url, "06812.html").endswith("/2404.3/06812.html")


def test_it_finds_the_page_of_a_pasted_lkml_url(settings):
    settings.LKML_BASE_URL = "http://127.0.0.1:9/lkml"
    assert lkml.find_page_key(
        " https://lkml.iu.edu/hypermail/linux/kernel/2404.3/07010.html") == "2404.3/07010"
    assert lkml.find_page_key(
        "http://127.0.0.1:9/lkml/hypermail/linux/kernel/2404.3/07010.html") == "2404.3/07010"
    assert lkml.find_page_key("https://lkml.org/lkml/2024/4/30/1") is None
