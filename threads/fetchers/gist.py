"""GitHub gists: ``GITHUB_API_URL/gists/<id>``, plus ``raw_url`` for files the API truncates.

The API inlines at most about 1 MB of each file and marks the rest ``"truncated": true``;
such files are read whole from their ``raw_url`` (a configured host, else refused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from threads.fetchers import errors
from threads.fetchers.http import HttpClient, Validators

GIST_ID = re.compile(r"^[0-9a-zA-Z]{1,64}$")
API_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}


@dataclass(frozen=True)
class GistFetch:
    url: str
    data: dict[str, Any]  # the API document as received
    contents: dict[str, str] = field(default_factory=dict)  # filename -> whole content
    fetched_raw: tuple[str, ...] = ()  # filenames read from raw_url because truncated
    validators: Validators = Validators()


def gist_api_url(gist_id: str) -> str:
    if not GIST_ID.match(gist_id):
        raise errors.FetchError(f"not a gist id: {gist_id!r}", retryable=False)
    return f"{settings.GITHUB_API_URL}/gists/{gist_id}"


def fetch_gist(
    gist_id: str, *, client: HttpClient | None = None, validators: Validators | None = None,
) -> GistFetch:
    """The gist and every file's full text; NotModified when the stored ETag still holds."""
    client = client or HttpClient()
    fetched = client.get(gist_api_url(gist_id), validators=validators, headers=API_HEADERS)
    data = fetched.json()
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise errors.BadContent(f"{fetched.url} answered JSON without 'files' (API changed?)",
                                url=fetched.url, status=fetched.status)
    contents: dict[str, str] = {}
    raw: list[str] = []
    for name, info in files.items():
        if not isinstance(info, dict):
            continue
        if info.get("truncated") or info.get("content") is None:
            raw_url = info.get("raw_url") or ""
            if not raw_url:
                raise errors.BadContent(f"gist {gist_id} file {name} is truncated without a "
                                        "raw_url", url=fetched.url, retryable=False)
            contents[name] = client.get(raw_url).text()
            raw.append(name)
        else:
            contents[name] = str(info["content"])
    return GistFetch(url=fetched.url, data=data, contents=contents, fetched_raw=tuple(raw),
                     validators=fetched.validators)
