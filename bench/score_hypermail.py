"""Score threads.parsing.hypermail against saved lkml.iu.edu pages.

Usage: python bench/score_hypermail.py ../shared/corpora/lkml-iu-edu

For each STEM.html with a STEM.json (another scraper's output, ``pipelineOutput``) four fields
are compared, the ones the corpus README calls trustworthy: subject (HTML entities and
white space normalised on both sides, since that scraper left ``&quot;`` in), sender address
(lower-cased), sent time as an instant, and the replied-to page (absolute URL, "NA" = none).
The last line is ``overall: X.XXX (n/N)``.
"""

from __future__ import annotations

import html
import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from threads.parsing.hypermail import parse_hypermail_page


def norm(text: str | None) -> str:
    return " ".join(html.unescape(text or "").split())


def instant(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S%z")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    totals: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for page_path in sorted(Path(argv[1]).glob("*.html")):
        expected_path = page_path.with_suffix(".json")
        if not expected_path.exists():
            continue
        want = json.loads(expected_path.read_text())["pipelineOutput"]
        page = parse_hypermail_page(page_path.read_bytes(), url=want["url"])
        msg = page.message
        reply = None if want["replyto"] in ("", "NA") else want["replyto"]
        checks = {
            "subject": (norm(want["subject"]), norm(msg.subject)),
            "sender address": (want["senderEmail"].lower(), msg.author.address),
            "sent time": (instant(want["timestampSent"]), msg.date),
            "replied-to page": (reply, page.in_reply_to_url),
        }
        for field, (expected, got) in checks.items():
            totals[field] += 1
            if expected == got:
                right[field] += 1
            else:
                print(f"FAIL {page_path.stem} {field}: want {expected!r} got {got!r}")
    for field in totals:
        print(f"{field}: {right[field] / totals[field]:.3f} ({right[field]}/{totals[field]})")
    n, total = sum(right.values()), sum(totals.values())
    print(f"overall: {n / total if total else 0:.3f} ({n}/{total})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
