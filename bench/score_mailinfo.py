"""Score threads.parsing.mailinfo against git's own t5100 mailinfo cases.

Usage: python bench/score_mailinfo.py ../shared/corpora/git-mailinfo.dev.jsonl [--all-options]

Only the default-option cases (``git mailinfo`` or ``-u``) are scored unless --all-options is
given. Fields: author name, author address, subject, commit message (msg) and patch, each
only where the case asserts it (``asserted``). The last line is ``overall: X.XXX (n/N)``.
"""

from __future__ import annotations

import base64
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from threads.parsing.headers import decode_bytes
from threads.parsing.mailinfo import mailinfo

OPTIONS = {
    "-k": {"keep_subject": True},
    "-b": {"keep_non_patch_brackets": True},
    "--scissors": {"scissors": True},
    "--no-inbody-headers": {"inbody_headers": False},
    "--message-id": {"add_message_id": True},
    "-u": {},
}


def expected_info(record: dict) -> dict[str, str]:
    fields = {}
    for line in record["expected_info"].split("\n"):
        if ": " in line:
            key, value = line.split(": ", 1)
            fields[key] = value
    return fields


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    all_options = "--all-options" in argv
    totals: Counter[str] = Counter()
    right: Counter[str] = Counter()
    failures: list[str] = []
    for line in Path(argv[1]).read_text().splitlines():
        record = json.loads(line)
        options = record["options"]
        if not all_options and options not in ([], ["-u"]):
            continue
        kwargs: dict = {}
        for option in options:
            kwargs.update(OPTIONS.get(option, {}))
        if "raw_message_b64" in record:
            raw = base64.b64decode(record["raw_message_b64"])
        else:
            raw = record["raw_message"].encode("utf-8")
        info = mailinfo(raw, **kwargs)
        asserted = record["asserted"] or []
        checks: dict[str, tuple[str, str]] = {}
        if "info" in asserted:
            want = expected_info(record)
            got_author = info.author_name if info.has_author else None
            got_email = info.author_email if info.has_author else None
            checks["author name"] = (want.get("Author"), got_author)
            checks["author address"] = (want.get("Email"), got_email)
            checks["subject"] = (want.get("Subject"), info.subject if info.has_subject else None)
        if "msg" in asserted:
            checks["body (msg)"] = (record["expected_msg"], info.message)
        if "patch" in asserted:
            if "expected_patch_b64" in record:
                expected = decode_bytes(base64.b64decode(record["expected_patch_b64"]))[0]
            else:
                expected = record["expected_patch"]
            checks["patch split"] = (expected, info.patch)
        for field, (want, got) in checks.items():
            totals[field] += 1
            if want == got:
                right[field] += 1
            else:
                failures.append(f"{record['id']} {field}: want {want!r:.120} got {got!r:.120}")
    for failure in failures:
        print("FAIL", failure)
    for field in totals:
        print(f"{field}: {right[field] / totals[field]:.3f} ({right[field]}/{totals[field]})")
    n, total = sum(right.values()), sum(totals.values())
    print(f"overall: {n / total if total else 0:.3f} ({n}/{total})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
