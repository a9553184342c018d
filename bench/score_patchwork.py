"""Score subject parsing and series assembly against Patchwork's parser tests.

Usage: python bench/score_patchwork.py ../shared/corpora/patchwork-mail

Scored items:
- inline-cases.dev.jsonl, the subject functions: split_prefixes, parse_series_marker,
  parse_version, clean_subject (name and prefixes as Patchwork shows them), subject_check;
  also find_message_id, find_references and get_or_create_author through our header code;
- expectations.dev.json, series/*.mbox: covers / patches / comments counts and the number of
  patches and covers per series ordered by date (threads.parsing.series.group_series);
- fuzz/*.mbox: parsing raises nothing but MessageParseError (a ValueError).
The last line is ``overall: X.XXX (n/N)``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from threads.parsing.addresses import parse_address
from threads.parsing.headers import find_message_id, find_message_ids
from threads.parsing.mbox import iter_mbox
from threads.parsing.message import parse_message
from threads.parsing.series import group_series, has_patch
from threads.parsing.subject import (
    parse_series_marker,
    parse_subject,
    parse_version,
    patchwork_name,
    patchwork_prefixes,
    split_prefixes,
)
from threads.parsing.types import MessageParseError

SUBJECT_FUNCTIONS = {"split_prefixes", "parse_series_marker", "parse_version", "clean_subject",
                     "subject_check", "find_message_id", "find_references",
                     "get_or_create_author"}


def strip_angles(value: str) -> str:
    return value[1:-1] if value.startswith("<") and value.endswith(">") else value.rstrip(">")


def inline_case(record: dict) -> tuple[object, object] | None:
    function, data, want = record["function"], record["input"], record["expected"]
    if function == "split_prefixes":
        return want, split_prefixes(data["prefix_string"])
    if function == "parse_series_marker":
        number, total = parse_series_marker(data["prefixes"])
        return want, {"number": number, "total": total}
    if function == "parse_version":
        return want, parse_version(data["subject"], data["prefixes"]) or 1
    if function == "clean_subject":
        subject = data.get("subject", data.get("subject_header"))
        info = parse_subject(subject, list_tags=data.get("drop_prefixes") or ())
        got = {"name": patchwork_name(info)}
        if "prefixes" in want:
            got["prefixes"] = patchwork_prefixes(info)
        return want, got
    if function == "subject_check":
        return want, {"is_reply": parse_subject(data["subject"]).is_reply}
    if function == "find_message_id":
        found = find_message_id(data["message_id_header"])
        return (None if want == "ValueError" else strip_angles(want)), found
    if function == "find_references":
        refs = []
        if data.get("in_reply_to"):
            refs.append(find_message_id(data["in_reply_to"]))
        refs += [r for r in reversed(find_message_ids(data.get("references"))) if r not in refs]
        if data.get("message_id"):
            refs = [r for r in refs if r != strip_angles(data["message_id"])]
        return [strip_angles(w) for w in want], refs
    if function == "get_or_create_author":
        if "same_person_as" in want:
            return want["same_person_as"], dmarc_author(data)
        author = parse_address(data["from_header"])
        if want == "ValueError":
            return "no address", ("no address" if not author.address else author.address)
        return want, {"name": author.name, "email": author.address}
    return None


def dmarc_author(data: dict) -> str:
    """Build the rewritten mail of a DMARC case and say who parse_message finds behind it."""
    froms = data["from_header"] if isinstance(data["from_header"], list) else [
        data["from_header"]]
    found = set()
    for from_header in froms:
        lines = [f"From: {from_header}", "Message-ID: <dmarc@example.com>"]
        if data.get("reply_to"):
            lines.append("Reply-To: " + ", ".join(data["reply_to"]))
        if data.get("x_original_from"):
            lines.append(f"X-Original-From: {data['x_original_from']}")
        raw = ("\n".join(lines) + "\n\nhello\n").replace(data["list_email"], "list@example.com")
        author = parse_message(raw.encode()).author
        found.add(f"{author.name} <{author.address}>")
    return found.pop() if len(found) == 1 else repr(sorted(found))


def read_mbox(path: Path) -> list:
    messages = []
    with path.open("rb") as stream:
        for raw in iter_mbox(stream):
            messages.append(parse_message(raw))
    return messages


def series_case(path: Path, assertions: dict) -> list[tuple[str, object, object]]:
    messages = read_mbox(path)
    groups = group_series(messages)
    covers = sum(1 for g in groups if g.cover_message_id)
    patches = sum(len(g.patches) for g in groups)
    in_series = {mid for g in groups for mid in g.message_ids}
    comments = sum(1 for m in messages if m.message_id not in in_series)
    checks = []
    if "parse_counts" in assertions:
        checks.append(("series counts", assertions["parse_counts"],
                       {"covers": covers, "patches": patches, "comments": comments}))
    if "series_patch_counts_by_date" in assertions:
        checks.append(("series patches by date", assertions["series_patch_counts_by_date"],
                       [len(g.patches) for g in groups]))
    if "series_cover_counts_by_date" in assertions:
        checks.append(("series covers by date", assertions["series_cover_counts_by_date"],
                       [1 if g.cover_message_id else 0 for g in groups]))
    if "received_all" in assertions:
        checks.append(("series received_all", assertions["received_all"],
                       all(g.received_all for g in groups)))
    return checks


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    root = Path(argv[1])
    totals: Counter[str] = Counter()
    right: Counter[str] = Counter()

    def score(field: str, key: str, want: object, got: object) -> None:
        totals[field] += 1
        if want == got:
            right[field] += 1
        else:
            print(f"FAIL {field} {key}: want {want!r:.150} got {got!r:.150}")

    for line in (root / "inline-cases.dev.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record["function"] not in SUBJECT_FUNCTIONS:
            continue
        result = inline_case(record)
        if result is not None:
            score(record["function"], record["id"], *result)

    expectations = json.loads((root / "expectations.dev.json").read_text())["files"]
    for relpath, entry in sorted(expectations.items()):
        path = root / relpath
        if relpath.startswith("series/") and not relpath.endswith(".template"):
            for field, want, got in series_case(path, entry["assertions"]):
                score(field, relpath, want, got)
        elif relpath.startswith("fuzz/"):
            outcome = "ok"
            try:
                with path.open("rb") as stream:
                    for raw in iter_mbox(stream):
                        try:
                            parse_message(raw)
                        except MessageParseError:
                            pass
            except Exception as exc:  # the very thing scored: nothing else may escape
                outcome = f"{type(exc).__name__}: {exc}"
            score("fuzz (no unexpected error)", relpath, "ok", outcome)
        elif relpath.startswith("mail/"):
            want = entry["assertions"].get("parse_mail_with_list_id", {}).get("patches_created")
            if want is not None:
                with path.open("rb") as stream:
                    found = sum(has_patch(parse_message(raw).body) for raw in iter_mbox(stream))
                score("mail is a patch", relpath, want, found)

    for field in totals:
        print(f"{field}: {right[field] / totals[field]:.3f} ({right[field]}/{totals[field]})")
    n, total = sum(right.values()), sum(totals.values())
    print(f"overall: {n / total if total else 0:.3f} ({n}/{total})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
