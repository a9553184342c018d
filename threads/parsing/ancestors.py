"""Earlier messages known only from the quotes of a later one: placeholder ancestors.

Pure. When only part of a thread is known (the seed is one message), its attribution lines and
quoted text say who wrote each earlier message, when, and what they said.
"""

from __future__ import annotations

import re

from threads.parsing.quotes import classify_lines
from threads.parsing.types import Attribution, QuotedAncestor


def _squeeze(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    # ">" and "> >>" blank lines of the seed pile up once the deeper quotes are removed.
    return re.sub(r"\n\s*\n(?:\s*\n)+", "\n\n", text).strip("\n")


def find_quoted_ancestors(text: str) -> tuple[QuotedAncestor, ...]:
    """One placeholder per quoted earlier message, nearest first (depth 1 = the parent).

    Example input::

        On Mon, Apr 29, 2024 at 10:43:16PM -0400, Zi Yan wrote:
        > On 29 Apr 2024, at 20:31, Luis Chamberlain wrote:
        > > This is only true for linux-next
        > Hmm, I misunderstood the issue above.

    gives Zi Yan (depth 1, 2024-04-30 02:43:16 UTC, "Hmm, I misunderstood ...") and Luis
    Chamberlain (depth 2, no zone so no instant, "This is only true for linux-next"). A
    message's own words exclude its deeper quotes and the attribution lines introducing them.
    """
    groups: dict[tuple[int, int], tuple[Attribution | None, list[str]]] = {}
    last_index: dict[tuple[int, int], int] = {}
    for item in classify_lines(text):
        depth = item.line.depth
        if depth == 0 or item.kind in ("attribution", "signature"):
            if item.kind == "attribution" and depth > 0:
                # The attribution itself is still known even when its author said nothing else.
                groups.setdefault((depth + 1, id(item.attribution)), (item.attribution, []))
            continue
        key = (depth, id(item.owner) if item.owner is not None else 0)
        words = groups.setdefault(key, (item.owner, []))[1]
        if words and last_index.get(key, -1) < item.line.index - 1:
            words.append("")  # a later reply cut in between: keep the pieces apart
        words.append(item.line.text)
        last_index[key] = item.line.index
    ancestors = []
    for (depth, _), (attribution, lines) in sorted(groups.items(), key=lambda kv: kv[0][0]):
        words = _squeeze(lines)
        if attribution is None and not words:
            continue
        ancestors.append(
            QuotedAncestor(
                depth=depth,
                author_name=attribution.name if attribution else "",
                date=attribution.date if attribution else None,
                attribution_line=attribution.line if attribution else "",
                quoted_text=words,
                author_address=attribution.address if attribution else "",
                date_text=attribution.date_text if attribution else "",
            )
        )
    return tuple(ancestors)
