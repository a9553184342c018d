"""GitHub commits: the commits API (JSON) and the ``.patch`` form (git format-patch mbox)."""

from __future__ import annotations

import re

from django.conf import settings

from threads.fetchers import errors
from threads.fetchers.decode import looks_like_html
from threads.fetchers.http import Fetched, HttpClient, Validators

NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
SHA = re.compile(r"^[0-9a-f]{7,40}$")
API_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}


def _checked(owner: str, repo: str, sha: str) -> tuple[str, str, str]:
    sha = sha.lower()
    if not (NAME.match(owner) and NAME.match(repo) and SHA.match(sha)) or (
        owner.strip(".") == "" or repo.strip(".") == ""
    ):
        raise errors.FetchError(f"not a GitHub commit: {owner}/{repo}@{sha}", retryable=False)
    return owner, repo, sha


def commit_api_url(owner: str, repo: str, sha: str) -> str:
    owner, repo, sha = _checked(owner, repo, sha)
    return f"{settings.GITHUB_API_URL}/repos/{owner}/{repo}/commits/{sha}"


def commit_patch_url(owner: str, repo: str, sha: str) -> str:
    owner, repo, sha = _checked(owner, repo, sha)
    return f"{settings.GITHUB_WEB_URL}/{owner}/{repo}/commit/{sha}.patch"


def fetch_commit(
    owner: str, repo: str, sha: str, *, client: HttpClient | None = None,
    validators: Validators | None = None,
) -> Fetched:
    """The commits API document (``.json()``): message, author, dates, files with patches."""
    fetched = (client or HttpClient()).get(
        commit_api_url(owner, repo, sha), validators=validators, headers=API_HEADERS
    )
    data = fetched.json()
    if not isinstance(data, dict) or "commit" not in data:
        raise errors.BadContent(f"{fetched.url} answered JSON without 'commit' (API changed?)",
                                url=fetched.url, status=fetched.status)
    return fetched


def fetch_commit_patch(
    owner: str, repo: str, sha: str, *, client: HttpClient | None = None,
) -> Fetched:
    """``git format-patch`` text of the commit (``From <sha> Mon Sep 17 00:00:00 2001``...)."""
    fetched = (client or HttpClient()).get(commit_patch_url(owner, repo, sha))
    if looks_like_html(fetched.content) or not fetched.content.startswith(b"From "):
        raise errors.BadContent(f"{fetched.url} did not answer a patch (an HTML page?)",
                                url=fetched.url, status=fetched.status, retryable=True)
    return fetched
