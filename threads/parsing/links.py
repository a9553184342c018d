"""URLs in mail bodies: found, cleaned, deduplicated and classified (gist, commit, lore, lkml)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from threads.parsing.quotemarks import find_quoted_lines
from threads.parsing.types import ParsedLink

# "https://gist.github.com/mcgrof/d12f586ec6ebe32b2472b5d634c397df" (seed); also bare
# "lkml.kernel.org/r/<msgid>" and "lkml.iu.edu/hypermail/..." without a scheme.
_URL = re.compile(
    r"(?:https?://|(?<![\w./@-])(?:lkml\.kernel\.org|lore\.kernel\.org|lkml\.iu\.edu|"
    r"patch\.msgid\.link)/)[^\s<>\"'`]+",
    re.I,
)
# A URL inside "<...>" wrapped by the mailer: "<https://lore.kernel.org/linux-mm/\n2024...@x/>"
_ANGLE_OPEN = re.compile(r"<(https?://[^\s<>]+)$", re.I)
# Trailing punctuation that ends a sentence rather than the URL: "see https://x/y)." "(https://..)"
_TRAILING = ".,;:!?'\"*"

# "https://gist.github.com/<user>/<id>", "https://gist.github.com/<id>", raw files
# "https://gist.githubusercontent.com/<user>/<id>/raw/..." (the seed links two gists).
_GIST = re.compile(
    r"^https?://gist\.github(?:usercontent)?\.com/(?:[\w-]+/)?(?P<id>[0-9a-f]{20,40})\b", re.I
)
# "https://github.com/linux-kdevops/linux/commit/e77a2a4fd6d9aa7e2641d5ea456ad0522c1e8a04" (seed)
_GH_COMMIT = re.compile(
    r"^https?://github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/commits?/(?P<sha>[0-9a-f]{7,40})\b",
    re.I,
)
# "https://lore.kernel.org/linux-mm/20240425113746.335530-6-kernel@pankajraghav.com/T/#u",
# "https://lore.kernel.org/r/<msgid>", "https://lkml.kernel.org/r/<msgid>",
# "https://patch.msgid.link/<msgid>" (b4 --add-link) and the older "https://msgid.link/<msgid>".
_LORE = re.compile(
    r"^(?:https?://)?(?:lore\.kernel\.org/(?:[\w.+-]+)|lkml\.kernel\.org/r|"
    r"(?:patch\.)?msgid\.link)/(?P<msgid>[^/?#\s]+)",
    re.I,
)
# "https://lkml.iu.edu/hypermail/linux/kernel/2404.3/12345.html"
_LKML = re.compile(
    r"^(?:https?://)?lkml\.iu\.edu/hypermail/linux/kernel/(?P<week>\d{4}\.\d)/(?P<num>\d+)\.html?",
    re.I,
)


def _trim(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets from the end of a URL."""
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last == ")" and url.count(")") > url.count("("):
            url = url[:-1]
        elif last == "]" and url.count("]") > url.count("["):
            url = url[:-1]
        elif last in ">}":
            url = url[:-1]
        else:
            break
    return url


def clean_url(url: str) -> str:
    """``"<https://lkml.kernel.org/r/x@y>."`` -> ``"https://lkml.kernel.org/r/x@y"``."""
    url = _trim(url.strip().lstrip("<("))
    # Bare "lkml.kernel.org/r/<msgid>" (no scheme) is common in old commit messages.
    if not re.match(r"^https?://", url, re.I):
        url = "https://" + url
    return url


def classify_url(url: str) -> tuple[str, str]:
    """``"https://gist.github.com/mcgrof/c44aaed21b99ae4ecf3d7fc6a1bb00bc"`` -> ("gist", id)."""
    if m := _GIST.match(url):
        return "gist", m.group("id").lower()
    if m := _GH_COMMIT.match(url):
        return "github-commit", f"{m.group('owner')}/{m.group('repo')}@{m.group('sha').lower()}"
    if m := _LKML.match(url):
        return "lkml", f"{m.group('week')}/{m.group('num')}"
    if m := _LORE.match(url):
        msgid = unquote(m.group("msgid")).strip("<>")
        if "@" in msgid:
            return "lore", msgid
    return "other", ""


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Body lines without quote markers, with "<https://...\\n...>" wrapped URLs joined."""
    lines = find_quoted_lines(text)
    result: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        depth, line = lines[i].depth, lines[i].text
        # A mailer wrapped "<https://lore.kernel.org/linux-mm/" and "2024...@x.com/>" apart.
        while _ANGLE_OPEN.search(line) and i + 1 < len(lines) and lines[i + 1].depth == depth:
            nxt = lines[i + 1].text.strip()
            if not nxt or " " in nxt.split(">")[0]:
                break
            line += nxt
            i += 1
        result.append((depth, line))
        i += 1
    return result


def find_links(text: str) -> tuple[ParsedLink, ...]:
    """Every URL in a body (quoted ones too), cleaned, classified, first occurrence kept.

    Example input (from the seed)::

        https://github.com/linux-kdevops/linux/commit/e77a2a4fd6d9aa7e2641d5ea456ad0522c1e8a04

    gives ``ParsedLink(kind="github-commit", key="linux-kdevops/linux@e77a2a4f...")``.
    """
    seen: dict[tuple[str, str], int] = {}
    links: list[ParsedLink] = []
    for depth, line in _logical_lines(text):
        for match in _URL.finditer(line):
            url = clean_url(match.group(0))
            if len(url) <= len("https://x"):
                continue
            kind, key = classify_url(url)
            # "http://x/y/" and "https://x/y" are one link; keyed kinds dedupe on their key.
            plain = re.sub(r"^https?://", "", url, flags=re.I).rstrip("/")
            ident = (kind, key) if key else ("url", plain)
            if ident in seen:
                index = seen[ident]
                if depth < links[index].quote_depth:
                    old = links[index]
                    links[index] = ParsedLink(old.url, old.kind, old.key, quote_depth=depth)
                continue
            seen[ident] = len(links)
            links.append(ParsedLink(url=url, kind=kind, key=key, quote_depth=depth))
    return tuple(links)
