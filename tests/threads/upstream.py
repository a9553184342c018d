"""A local stand-in for lore, lkml.iu.edu and GitHub on pytest-httpserver.

Each upstream lives under a path prefix of the one loopback server (``/lore``, ``/lkml``,
``/api``, ``/github``, ``/gist``, ``/gistraw``); settings (or a worker's environment) point
the base URLs there. Responses are the recorded-shape fixtures in tests/fixtures/upstream with
the headers the real services send: gzip files, ETag/Last-Modified honoured with 304, lore's
``/all/`` redirect to a list path.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "upstream"
SEED_MSGID = "ZjFGzS9pZ9Dk6Dyt@bombadil.infradead.org"
PATCH_MSGID = "20240425113746.335530-6-kernel@pankajraghav.com"
NEW_REPLY_MSGID = "9C1F5E2A-77B4-4E55-8C0D-3D1A2B6F0E11@nvidia.com"
GIST_CRASH = "d12f586ec6ebe32b2472b5d634c397df"
GIST_TRUNCATED = "c44aaed21b99ae4ecf3d7fc6a1bb00bc"
COMMIT = ("linux-kdevops", "linux", "e77a2a4fd6d9aa7e2641d5ea456ad0522c1e8a04")
LIST = "linux-mm"
LAST_MODIFIED = "Tue, 30 Apr 2024 19:27:30 GMT"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def base_urls(server_url: str) -> dict[str, str]:
    """The settings (and environment variables) that send every fetch to ``server_url``."""
    root = server_url.rstrip("/")
    return {
        "LORE_BASE_URL": f"{root}/lore", "LKML_BASE_URL": f"{root}/lkml",
        "GITHUB_API_URL": f"{root}/api", "GITHUB_WEB_URL": f"{root}/github",
        "GIST_WEB_URL": f"{root}/gist", "GIST_RAW_URL": f"{root}/gistraw",
    }


def fast_fetch_settings() -> dict[str, object]:
    """Retries without sleeping and short timeouts, so fault tests take milliseconds."""
    return {"FETCH_RETRIES": 2, "FETCH_BACKOFF": 0.0, "FETCH_RETRY_AFTER_MAX": 2.0,
            "FETCH_TIMEOUT": 2.0, "GITHUB_TOKEN": ""}


def point_settings(settings, server: HTTPServer) -> dict[str, str]:
    urls = base_urls(server.url_for("/"))
    for name, value in {**urls, **fast_fetch_settings()}.items():
        setattr(settings, name, value)
    return urls


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def conditional(
    body: bytes, content_type: str, *, etag: str | None = None,
    last_modified: str | None = None, headers: dict[str, str] | None = None,
) -> Callable[[Request], Response]:
    """A handler answering 304 when the request's validators match, like the real servers."""
    etag = etag_of(body) if etag is None else etag

    def handler(request: Request) -> Response:
        sent = {"Content-Type": content_type, **(headers or {})}
        if etag:
            sent["ETag"] = etag
        if last_modified:
            sent["Last-Modified"] = last_modified
        if etag and request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers=sent)
        if not etag and last_modified and request.headers.get("If-Modified-Since") == last_modified:
            return Response(status=304, headers=sent)
        return Response(body, status=200, headers=sent)

    return handler


def rewrite_hosts(body: bytes, urls: dict[str, str]) -> bytes:
    text = body.decode()
    for real, name in (("https://api.github.com", "GITHUB_API_URL"),
                       ("https://gist.githubusercontent.com", "GIST_RAW_URL"),
                       ("https://gist.github.com", "GIST_WEB_URL"),
                       ("https://github.com", "GITHUB_WEB_URL")):
        text = text.replace(real, urls[name])
    return text.encode()


class Upstream:
    """Serves the seed thread and what it links to; tests add faults on top."""

    def __init__(self, server: HTTPServer, urls: dict[str, str]) -> None:
        self.server = server
        self.urls = urls
        self.thread_mbox = fixture("0001-lore-thread-seed.mbox")
        self.search_mbox = b""  # nothing new until a test publishes a reply
        self.on_atom: Callable[[], None] | None = None  # called as the thread feed is asked for

    def path(self, url: str) -> str:
        return url[len(self.server.url_for("/").rstrip("/")):]

    def lore_path(self, msgid: str, suffix: str, inbox: str = "all") -> str:
        return f"/lore/{inbox}/{msgid}/{suffix}"

    def serve_seed(self, *msgids: str) -> None:
        """lore thread files for each Message-ID given, gists, commit and lkml pages."""
        for msgid in msgids or (SEED_MSGID, PATCH_MSGID):
            self.serve_lore_thread(msgid)
        self.serve_search()
        self.serve_gists()
        self.serve_commit()
        self.serve_lkml_pages()

    def serve_lore_thread(self, msgid: str) -> None:
        root = self.server.url_for("/").rstrip("/")
        for suffix in ("t.mbox.gz", "t.atom"):
            # lore answers /all/<msgid>/... with a redirect to the list that has the message.
            self.server.expect_request(self.lore_path(msgid, suffix)).respond_with_response(
                Response(status=302, headers={
                    "Location": root + self.lore_path(msgid, suffix, LIST)})
            )
        self.server.expect_request(self.lore_path(msgid, "t.mbox.gz", LIST)).respond_with_handler(
            lambda request: conditional(
                gzip.compress(self.thread_mbox, mtime=0), "application/gzip",
                last_modified=LAST_MODIFIED, etag="")(request)
        )
        def atom(request: Request) -> Response:
            if self.on_atom is not None:
                self.on_atom()
            return conditional(self.atom(), "application/atom+xml")(request)

        self.server.expect_request(self.lore_path(msgid, "t.atom", LIST)).respond_with_handler(
            atom)

    def serve_raw(self, msgid: str, body: bytes) -> None:
        root = self.server.url_for("/").rstrip("/")
        self.server.expect_request(self.lore_path(msgid, "raw")).respond_with_response(
            Response(status=302, headers={"Location": root + self.lore_path(msgid, "raw", LIST)})
        )
        self.server.expect_request(self.lore_path(msgid, "raw", LIST)).respond_with_data(
            body, content_type="text/plain; charset=utf-8")

    def atom(self) -> bytes:
        # The feed changes whenever the thread does: its ETag follows the mbox.
        return fixture("0004-lore-thread.atom").replace(
            b"</feed>", f"<!-- {etag_of(self.thread_mbox + self.search_mbox)} --></feed>".encode()
        )

    def serve_search(self) -> None:
        def search(request: Request) -> Response:
            # Like lore, match on the subject words: the reply is found under its patch name.
            wanted = 's:"mm: do not split a folio if it has minimum folio order requirement"'
            if not self.search_mbox or wanted not in request.args.get("q", ""):
                return Response(b"", status=404, content_type="text/html")
            return Response(gzip.compress(self.search_mbox, mtime=0), status=200,
                            content_type="application/gzip")

        self.server.expect_request("/lore/all/",
                                   method="POST").respond_with_handler(search)

    def publish_new_reply(self) -> None:
        """The new reply reaches lore: the thread mbox, its feed and the search change."""
        reply = fixture("0002-lore-raw-new-reply.eml")
        self.thread_mbox += b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + reply + b"\n"
        self.search_mbox = fixture("0003-lore-search-new-since.mbox")

    def serve_gists(self) -> None:
        for gist_id, name in ((GIST_CRASH, "0009-gist-d12f586-crash.json"),
                              (GIST_TRUNCATED, "0010-gist-c44aaed-truncated-file.json")):
            body = rewrite_hosts(fixture(name), self.urls)
            self.server.expect_request(f"/api/gists/{gist_id}").respond_with_handler(
                conditional(body, "application/json; charset=utf-8",
                            headers=github_quota_headers()))
            for info in json.loads(body)["files"].values():
                if info["truncated"]:
                    self.server.expect_request(self.path(info["raw_url"])).respond_with_data(
                        fixture("0011-gist-c44aaed-raw-file.txt"),
                        content_type="text/plain; charset=utf-8")

    def serve_commit(self) -> None:
        owner, repo, sha = COMMIT
        body = rewrite_hosts(fixture("0012-github-commit-e77a2a4.json"), self.urls)
        self.server.expect_request(f"/api/repos/{owner}/{repo}/commits/{sha}").respond_with_handler(
            conditional(body, "application/json; charset=utf-8", headers=github_quota_headers())
        )
        self.server.expect_request(f"/github/{owner}/{repo}/commit/{sha}.patch").respond_with_data(
            fixture("0013-github-commit-e77a2a4.patch"), content_type="text/plain; charset=utf-8"
        )

    def serve_lkml_pages(self) -> None:
        for number, name in (("07010", "0005-lkml-2404.3-07010-seed-page.html"),
                             ("06812", "0006-lkml-2404.3-06812-no-mhonarc-headers.html")):
            self.server.expect_request(
                f"/lkml/hypermail/linux/kernel/2404.3/{number}.html"
            ).respond_with_handler(conditional(fixture(name), "text/html",
                                               last_modified=LAST_MODIFIED))


def github_quota_headers(remaining: int = 4999, reset: int = 1714510000) -> dict[str, str]:
    return {"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(reset), "X-RateLimit-Resource": "core"}
