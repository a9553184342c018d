"""Display helpers for mail: folded quotes, coloured diffs, safe hrefs. Output stays escaped."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django import template

from threads.parsing.quotes import parse_body

register = template.Library()

_STATUS_CLASS = {
    "new": "", "under-review": "badge-warn", "changes-requested": "badge-bad",
    "reviewed": "badge-good", "superseded": "", "applied": "badge-good",
}


@dataclass(frozen=True)
class Block:
    kind: str  # "text", "quote", "attribution", "diff", "signature", "crash"
    depth: int
    text: str
    author: str = ""


@register.simple_tag
def message_blocks(body: str) -> list[Block]:
    """The body in runs: new text, quotes (with who wrote them), diffs, crash text, signature."""
    blocks: list[Block] = []
    for segment in parse_body(body or "").segments:
        author = segment.attribution.name if segment.attribution else ""
        text = segment.text.strip("\n")
        if not text.strip() and segment.kind != "attribution":
            continue
        last = blocks[-1] if blocks else None
        if last and last.kind == segment.kind == "quote" and last.depth == segment.depth:
            blocks[-1] = Block("quote", last.depth, f"{last.text}\n{text}", last.author or author)
        else:
            blocks.append(Block(segment.kind, segment.depth, text, author))
    return blocks


@register.filter
def diff_lines(text: str) -> list[tuple[str, str]]:
    """``[("add", "+ if (x)"), ...]`` for colouring a unified diff line by line."""
    lines = []
    for line in (text or "").splitlines():
        if line.startswith(("+++", "---", "diff ", "index ")):
            kind = "file"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "del"
        elif line.startswith("@@"):
            kind = "hunk"
        else:
            kind = "ctx"
        lines.append((kind, line))
    return lines


@register.filter
def http_url(url: str) -> str:
    """The URL when it is http(s), else "" (a ``javascript:`` link must stay text)."""
    try:
        scheme = urlsplit(url or "").scheme.lower()
    except ValueError:
        return ""
    return url if scheme in {"http", "https"} else ""


# The line a reader looks for first: "BUG: kernel NULL pointer dereference, address: ...",
# "WARNING: CPU: 1 PID: ...", "Oops: ...", "general protection fault ...", "kernel BUG at ...".
_HEADLINE = re.compile(r"(BUG:|WARNING:|Oops:|general protection fault|kernel BUG at|"
                       r"Kernel panic|KASAN:|UBSAN:|INFO: task .* blocked)")


@register.filter
def crash_headline(text: str) -> str:
    for line in (text or "").splitlines():
        match = _HEADLINE.search(line)
        if match:
            return line[match.start():][:160]
    return next((line.strip()[:160] for line in (text or "").splitlines() if line.strip()), "")


@register.filter
def linecount(text: str) -> int:
    return len((text or "").splitlines())


@register.filter
def status_class(status: str) -> str:
    return _STATUS_CLASS.get(status, "")


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None
