"""Gists and GitHub commits linked from messages: fetched, stored, tied to their links.

Only links the parser classified as ``gist`` or ``github-commit`` are fetched, and only from
the configured GitHub hosts (the key names the gist or commit; the URL in the mail is never
requested). Idempotency: GistFile is unique per (gist, filename) and Commit per SHA, so a
re-fetch updates rows in place.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db import transaction
from django.utils.dateparse import parse_datetime

from threads import seams
from threads.fetchers import errors
from threads.fetchers.gist import fetch_gist, gist_api_url
from threads.fetchers.github import commit_api_url, fetch_commit, fetch_commit_patch
from threads.models import Commit, CrashText, GistFile, Link, Source, Thread
from threads.parsing.crashtext import find_crash_text
from threads.parsing.diff import compute_patch_id
from threads.services.common import clean
from threads.services.fetching import (
    Outcome,
    Recorder,
    source_check,
    source_get_or_create,
    store_validators,
    validators_of,
)
from threads.services.status import patch_statuses_refresh_for_commit

LINK_KINDS = {Link.Kind.GIST: Source.Kind.GIST, Link.Kind.COMMIT: Source.Kind.GITHUB_COMMIT}
# "linux-kdevops/linux@e77a2a4fd6d9aa7e2641d5ea456ad0522c1e8a04" (the seed's commit link key)
COMMIT_KEY = re.compile(r"^(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)@(?P<sha>[0-9a-f]{7,40})$")
# A .patch ends with git's signature: "-- \n2.43.0\n"
SIGNATURE = re.compile(r"\n-- \n[\d.]+\S*\s*\Z")


def link_sources_ensure(*, thread: Thread) -> list[Source]:
    """A Source for every gist/commit linked from the thread's messages, tied to its links."""
    sources = []
    links = Link.objects.filter(message__thread=thread, kind__in=list(LINK_KINDS)).exclude(key="")
    for kind, key in links.values_list("kind", "key").distinct():
        source_kind = LINK_KINDS[kind]
        if source_kind == Source.Kind.GIST:
            url = gist_api_url(key)
        else:
            match = COMMIT_KEY.match(key)
            if match is None:
                continue
            url = commit_api_url(match["owner"], match["repo"], match["sha"])
        source = source_get_or_create(kind=source_kind, key=key, url=url, thread=thread)
        Link.objects.filter(kind=kind, key=key, source__isnull=True).update(source=source)
        sources.append(source)
    return sources


def source_fetch_gist(*, source: Source, recorder: Recorder | None = None) -> Outcome:
    """Fetches a gist (conditionally) and stores each file; crash text is recorded."""
    recorder = recorder or Recorder()
    with source_check(source, recorder) as outcome:
        gist = fetch_gist(source.key, client=recorder.client, validators=validators_of(source))
        files = gist.data.get("files") or {}
        payload = {**gist.data, "files": {  # each file whole (read from raw_url if truncated)
            name: {**(files.get(name) or {}), "content": text}
            for name, text in gist.contents.items()
        }}
        with transaction.atomic():
            outcome.changed.extend(gist_store(source=source, payload=payload))
            store_validators(source, gist.validators)
    return outcome


def gist_store(*, source: Source, payload: dict) -> list[str]:
    """Stores a gist given in the API's shape (``files``: name -> info with the whole
    ``content``), as fetched or as recorded (the demo); returns what changed."""
    changed = []
    for name, info in (payload.get("files") or {}).items():
        if not isinstance(info, dict) or info.get("content") is None:
            continue
        if _gist_file_store(source=source, name=name, text=str(info["content"]), info=info):
            changed.append(f"file {name} stored")
    return changed


def _gist_file_store(*, source: Source, name: str, text: str, info: dict) -> bool:
    text = clean(text)
    existing = GistFile.objects.filter(gist_id=source.key, filename=name[:512]).first()
    if existing is not None and existing.content == text:
        return False
    crashes = find_crash_text(text)
    gist_file, _ = GistFile.objects.update_or_create(
        gist_id=source.key, filename=name[:512],
        defaults={"source": source, "content": text, "size": int(info.get("size") or len(text)),
                  "truncated": bool(info.get("truncated")),
                  "raw_url": str(info.get("raw_url") or "")[:2000],
                  "has_crash_text": bool(crashes)},
    )
    CrashText.objects.filter(gist_file=gist_file).delete()  # replaced with the new content's
    created = CrashText.objects.bulk_create(
        CrashText(gist_file=gist_file, text=clean(c.text), start_line=c.start_line,
                  end_line=c.end_line, quote_depth=c.quote_depth)
        for c in crashes
    )
    seams.crash_texts_created(c.pk for c in created)  # classified once this commits
    return True


def source_fetch_commit(*, source: Source, recorder: Recorder | None = None) -> Outcome:
    """Fetches a commit (API + .patch) and stores it with its patch-id."""
    recorder = recorder or Recorder()
    with source_check(source, recorder) as outcome:
        match = COMMIT_KEY.match(source.key)
        if match is None:
            raise errors.FetchError(f"not a commit key: {source.key}", retryable=False)
        owner, repo, sha = match["owner"], match["repo"], match["sha"]
        fetched = fetch_commit(owner, repo, sha, client=recorder.client,
                               validators=validators_of(source))
        data = fetched.json()
        try:
            patch = fetch_commit_patch(owner, repo, sha, client=recorder.client).text()
            _diff_of_patch(patch)  # a .patch without a diff is refused here
        except errors.FetchError as exc:
            patch = ""  # the API's per-file patches make the same diff
            outcome.changed.append(f".patch unavailable ({exc}); diff taken from the API")
        with transaction.atomic():
            commit = commit_store(source=source, api=data, patch=patch)
            store_validators(source, fetched.validators)
        outcome.changed.append(f"commit {commit.sha[:12]} stored (patch-id {commit.patch_id[:12]})")
    return outcome


def commit_store(*, source: Source, api: dict, patch: str) -> Commit:
    """Stores a commit from the commits API document and its ``.patch`` ("" when unavailable:
    the diff is then made from the API's per-file patches), as fetched or as recorded (the
    demo); patch statuses that depend on it are re-derived."""
    match = COMMIT_KEY.match(source.key)
    if match is None:
        raise errors.FetchError(f"not a commit key: {source.key}", retryable=False)
    diff = _diff_of_patch(patch) if patch else _diff_of_api(api)
    commit = _commit_store(source=source, repo=f"{match['owner']}/{match['repo']}", data=api,
                           diff=diff)
    patch_statuses_refresh_for_commit(commit=commit)
    return commit


def _commit_store(*, source: Source, repo: str, data: dict, diff: str) -> Commit:
    info = data.get("commit") or {}
    author, committer = info.get("author") or {}, info.get("committer") or {}
    message = clean(info.get("message") or "")
    files = [
        {k: f.get(k) for k in ("filename", "status", "additions", "deletions")}
        for f in data.get("files") or [] if isinstance(f, dict)
    ]
    commit, _ = Commit.objects.update_or_create(
        sha=str(data.get("sha") or "")[:64].lower(),
        defaults={
            "repo": repo[:255], "subject": message.split("\n", 1)[0], "message": message,
            "author_name": clean(author.get("name"))[:255],
            "author_email": clean(author.get("email")).lower()[:320],
            "authored_at": _when(author.get("date")), "committed_at": _when(committer.get("date")),
            "files": files, "diff": clean(diff), "patch_id": compute_patch_id(diff)[:64],
            "source": source,
        },
    )
    return commit


def _when(value: object) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def _diff_of_patch(patch: str) -> str:
    start = patch.find("diff --git ")
    if start < 0:
        raise errors.BadContent("the .patch holds no diff", retryable=False)
    return SIGNATURE.sub("\n", patch[start:])


def _diff_of_api(data: dict) -> str:
    parts = []
    for f in data.get("files") or []:
        name, body = f.get("filename"), f.get("patch")
        if name and body:
            old = f.get("previous_filename") or name
            parts.append(f"diff --git a/{old} b/{name}\n--- a/{old}\n+++ b/{name}\n{body}\n")
    return "".join(parts)
