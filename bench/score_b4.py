"""Score trailer parsing and collection against b4's own test samples.

Usage: ``python bench/score_b4.py /path/to/corpora/b4``

Reads ``expectations.dev.json`` there (see the corpora README, section 4) and the sample
mboxes it names, runs ``find_trailers`` / ``collect_followup_trailers`` and prints the
accuracy per case kind, then ``overall: X.XXX (n/N)`` as the last line. Messages are read
with the project's ``iter_mbox`` and ``parse_message``; series are put together here with a
small subject reader (the project's own series grouping is scored elsewhere). b4's am options that
only format output (add my Signed-off-by, add Link:, copy Cc:) are applied here on top of the
collected trailers; trailer order is not scored (sets are).
"""

from __future__ import annotations

import email.utils
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threads.parsing.diff import find_diffs  # noqa: E402
from threads.parsing.mbox import iter_mbox  # noqa: E402
from threads.parsing.message import parse_message  # noqa: E402
from threads.parsing.trailers import (  # noqa: E402
    PatchTrailers,
    collect_followup_trailers,
    find_trailers,
    trailer_key,
)
from threads.parsing.types import ParsedMessage, ParsedTrailer  # noqa: E402

MYSELF = "Test Override <test-override@example.com>"
# "[PATCH v2 1/2]", "[PATCH 0/4]", "[PATCH]" in the samples' subjects.
_PATCH_TAG = re.compile(r"\[(?P<tag>[^\]]*\bPATCH\b[^\]]*)\]", re.I)
_COUNTER = re.compile(r"\b(\d+)/(\d+)\b")
# "[PATCH v3 2/2]" (partial-reroll sample)
_VERSION = re.compile(r"\bv(\d+)\b", re.I)
# "Re: [PATCH v2 2/2] Simple test 2" (b4 samples) - a reply, even with a PATCH tag.
_REPLY = re.compile(r"^\s*(?:re|aw|fwd?)\s*:", re.I)


class Mail:
    """One mailbox message as the bench needs it: the parsed message and its subject facts."""

    def __init__(self, parsed: ParsedMessage) -> None:
        self.parsed = parsed
        self.subject = " ".join(parsed.subject.split())
        self.to_cc = email.utils.getaddresses(
            [value for name, value in parsed.headers if name.lower() in ("to", "cc")]
        )
        body = parsed.body
        tag = _PATCH_TAG.search(self.subject)
        self.is_reply = bool(_REPLY.match(self.subject))
        self.is_patchy = bool(tag) and not self.is_reply
        counter = _COUNTER.search(tag.group("tag")) if tag else None
        version = _VERSION.search(tag.group("tag")) if tag else None
        self.number = int(counter.group(1)) if counter else None
        self.total = int(counter.group(2)) if counter else None
        self.version = int(version.group(1)) if version else 1
        self.has_diff = bool(find_diffs(body))
        self.is_cover = self.is_patchy and self.number == 0
        self.is_patch = self.is_patchy and self.number != 0 and self.has_diff


def load(path: Path) -> list[Mail]:
    with path.open("rb") as stream:
        return [Mail(parse_message(raw, source="mbox")) for raw in iter_mbox(stream)]


def assemble(mails: list[Mail]) -> tuple[Mail | None, list[Mail], list[Mail]]:
    """(cover, patches of the newest version, follow-ups); older patches fill a partial reroll."""
    patches = [m for m in mails if m.is_patch]
    if not patches:
        return None, [], mails
    newest = max(m.version for m in patches)
    chosen: dict[int | None, Mail] = {}
    for mail in sorted(patches, key=lambda m: m.version):
        if mail.version <= newest:
            chosen[mail.number] = mail
    series = [chosen[k] for k in sorted(chosen, key=lambda n: n or 0)]
    covers = [m for m in mails if m.is_cover and m.version <= newest]
    cover = max(covers, key=lambda m: m.version) if covers else None
    if cover is None and (series[0].total or 0) > 1:
        # A "naked" cover: the mail patch 1 answers, by the same author, with no diff of its own.
        by_id = {m.parsed.message_id: m for m in mails}
        parent = by_id.get(series[0].parsed.in_reply_to or "")
        if parent is not None and not parent.has_diff and not parent.is_reply and (
            parent.parsed.author.address == series[0].parsed.author.address
        ):
            cover = parent
    followups = [m for m in mails if not m.is_patch and not m.is_cover and m is not cover]
    return cover, series, followups


def render(trailer: ParsedTrailer) -> str:
    return f"{trailer.kind}: {trailer.value}"


def collected(path: Path) -> tuple[Mail | None, list[Mail], tuple[PatchTrailers, ...]]:
    cover, patches, followups = assemble(load(path))
    result = collect_followup_trailers(
        patches=[m.parsed for m in patches],
        followups=[m.parsed for m in followups],
        cover=cover.parsed if cover else None,
    )
    return cover, patches, result


def _append(trailers: list[ParsedTrailer], line: str) -> None:
    (new,) = find_trailers(line) or (ParsedTrailer(*line.split(": ", 1)),)
    if trailer_key(new) not in {trailer_key(t) for t in trailers}:
        trailers.append(new)


def am_trailers(mail: Mail, found: PatchTrailers, options: dict) -> list[str]:
    """The trailer block b4 am would write for one patch with these options."""
    get_series, am, config = options["get_series"], options["get_am_ready"], options["b4_config"]
    if am.get("noaddtrailers"):
        trailers = list(found.own)
    else:
        trailers = list(found.trailers(sloppy=bool(get_series.get("sloppytrailers"))))
    if am.get("copyccs"):
        for name, address in mail.to_cc:
            _append(trailers, f"Cc: {name} <{address}>" if name else f"Cc: {address}")
    if am.get("addlink"):
        mask = config.get("linktrailermask", "Link: https://patch.msgid.link/%s")
        _append(trailers, mask % mail.parsed.message_id)
    if am.get("addmysob"):
        trailers.append(ParsedTrailer("Signed-off-by", MYSELF))
    return [render(t) for t in trailers]


def case_parse_trailers(case: dict, corpus: Path) -> bool:
    (mail,) = load(corpus / case["files"][0])
    got = [(t.kind, t.value, t.comment) for t in find_trailers(mail.parsed.body)]
    want = [
        (e["name"], e["value"], (e["extinfo"] or "").strip()) for e in case["expected_trailers"]
    ]
    return got == want


def case_followup(case: dict, corpus: Path) -> bool:
    _, patches, found = collected(corpus / case["files"][0])
    by_id = {f.message_id: (m, f) for m, f in zip(patches, found, strict=True)}
    for expected in case["expected_patches_derived"]:
        mail, trailers = by_id.get(expected["message_id"].strip("<>"), (None, None))
        if mail is None or trailers is None:
            return False
        if Counter(am_trailers(mail, trailers, case["options"])) != Counter(expected["trailers"]):
            return False
    return len(by_id) == len(case["expected_patches_derived"])


def case_mismatches(case: dict, corpus: Path) -> bool:
    _, _, found = collected(corpus / case["files"][0])
    names = {m.trailer.kind for f in found for m in f.mismatches}
    return names == set(case["expected_trailer_mismatch_names"])


def case_naked_cover(case: dict, corpus: Path) -> bool:
    cover, patches, _ = assemble(load(corpus / case["files"][0]))
    return (cover is not None) == case["expected"]["has_cover"] and bool(patches)


def _commit_subject(subject: str) -> str:
    return _PATCH_TAG.sub("", subject).strip()


def case_commits(case: dict, corpus: Path) -> bool | None:
    if case.get("expected_commits_derived") is None:
        return None  # a merge-commit layout (-M): nothing per patch to compare
    _, patches, found = collected(corpus / case["files"][0])
    add_link = "--add-link" in case.get("shazam_args", [])
    collect = case["id"].startswith("trailers_update/")
    by_subject = {_commit_subject(m.subject): (m, f) for m, f in zip(patches, found, strict=True)}
    for commit in case["expected_commits_derived"]:
        mail, trailers = by_subject.get(commit["subject"], (None, None))
        if mail is None or trailers is None:
            return False
        options = {
            "get_series": {},
            "get_am_ready": {"noaddtrailers": not collect, "addlink": add_link,
                             "addmysob": collect},
            "b4_config": {},
        }
        if Counter(am_trailers(mail, trailers, options)) != Counter(commit["trailers"]):
            return False
    return True


def case_fixes(case: dict, corpus: Path) -> bool:
    got = [t.value for t in find_trailers(case["input"]["body"]) if t.kind == "Fixes"]
    return got == case["expected_fixes_values"]


def case_trailer_addr(case: dict, corpus: Path) -> bool:
    line = f"{case['input']['name']}: {case['input']['value']}"
    found = find_trailers(line)
    if len(found) != 1:
        return False
    want_name, want_addr = case["expected"]["addr"]
    if len(want_name) >= 2 and want_name[0] == want_name[-1] == '"':
        want_name = want_name[1:-1]  # b4 keeps the quotes of '"Doe, Jane"'; we drop them
    t = found[0]
    return (t.name, t.address, t.value) == (want_name, want_addr, case["expected"]["value"])


SCORERS: dict[str, Callable[[dict, Path], bool | None]] = {
    "parse_trailers": case_parse_trailers,
    "followup_trailers": case_followup,
    "trailer_mismatches": case_mismatches,
    "naked_cover": case_naked_cover,
    "trailers_update": case_commits,
    "shazam": case_commits,
    "fixes_validation": case_fixes,
    "trailer_addr": case_trailer_addr,
}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    corpus = Path(argv[1])
    cases = json.loads((corpus / "expectations.dev.json").read_text())["cases"]
    per_kind: dict[str, list[int]] = {}
    failures: list[str] = []
    for case in cases:
        kind = case["id"].split("/")[0]
        scorer = SCORERS.get(kind)
        if scorer is None:
            continue
        try:
            ok = scorer(case, corpus)
        except Exception as exc:  # a crash on one case is a failed case, not a failed run
            ok = False
            failures.append(f"{case['id']}: {type(exc).__name__}: {exc}")
        if ok is None:
            continue
        tally = per_kind.setdefault(kind, [0, 0])
        tally[0] += int(ok)
        tally[1] += 1
        if not ok:
            failures.append(case["id"])
    for line in failures:
        print(f"FAIL {line}")
    for kind, (good, total) in per_kind.items():
        print(f"{kind}: {good / total:.3f} ({good}/{total})")
    good = sum(v[0] for v in per_kind.values())
    total = sum(v[1] for v in per_kind.values())
    print(f"overall: {good / total if total else 0:.3f} ({good}/{total})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
