"""Score the crash-log parser against syzkaller's expected answers.

Usage: python bench/score_crash_titles.py CORPUS.jsonl [--show-failures N] [--field F]

CORPUS.jsonl is in the format of ../shared/corpora/README.md section 1 (one record per
syzkaller test file: log, title or null, alt_titles, type, corrupted, suppressed,
panicked, frame). Prints per-field accuracy and, last, ``title exact: X.XXX (n/N)``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ci_results.parsing.crash import parse_log

FIELDS = ("crash", "title", "alt_titles", "type", "corrupted", "suppressed", "panicked", "frame",
          "report")


def expected(case: dict) -> dict:
    return {
        "crash": bool(case.get("title")),
        "title": case.get("title"),
        "alt_titles": sorted(case.get("alt_titles") or []),
        "type": case.get("type") or "UNKNOWN",
        "corrupted": bool(case.get("corrupted")),
        "suppressed": bool(case.get("suppressed")),
        "panicked": bool(case.get("panicked")),
        "frame": case.get("frame"),
        "report": case.get("expected_report"),
    }


def actual(log: str) -> dict:
    analysis = parse_log(log)
    if not analysis.reports:
        return {"crash": False, "title": None, "alt_titles": [], "type": "UNKNOWN",
                "corrupted": False, "suppressed": False, "panicked": False, "frame": None,
                "report": None}
    rep = analysis.reports[0]
    return {
        "crash": True,
        "title": rep.title,
        "alt_titles": sorted(rep.alt_titles),
        "type": rep.crash_type,
        "corrupted": rep.corrupted,
        "suppressed": rep.suppressed,
        "panicked": rep.panicked,
        # syzkaller's frame of "X in corrupted" is "corrupted"; ours is None (no frame).
        "frame": rep.guilty_frame or ("corrupted" if rep.title.endswith(" in corrupted") else None),
        "report": rep.report,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--show-failures", type=int, default=0, metavar="N",
                    help="print up to N failing cases with expected/actual values")
    ap.add_argument("--field", default=None, choices=FIELDS,
                    help="only show failures of this field")
    args = ap.parse_args(argv)

    cases = [json.loads(line) for line in Path(args.corpus).read_text().splitlines() if line]
    right = dict.fromkeys(FIELDS, 0)
    total = dict.fromkeys(FIELDS, 0)
    failures: list[tuple[str, list[str], dict, dict]] = []
    for case in cases:
        exp, got = expected(case), actual(case["log"])
        wrong = []
        for field in FIELDS:
            if field in ("frame", "report") and exp[field] is None:
                continue
            if field in ("alt_titles", "type", "corrupted", "suppressed", "panicked") and \
                    not exp["crash"]:
                continue
            total[field] += 1
            ok = exp[field] == got[field]
            if field == "title":
                ok = exp["title"] == got["title"]  # None == None: correctly no crash
            right[field] += ok
            if not ok:
                wrong.append(field)
        if wrong:
            failures.append((case["name"], wrong, exp, got))

    shown = 0
    for name, wrong, exp, got in failures:
        if shown >= args.show_failures:
            break
        if args.field and args.field not in wrong:
            continue
        shown += 1
        print(f"--- case {name}: wrong {', '.join(wrong)}")
        for field in wrong:
            print(f"    {field}: expected {repr(exp[field])[:400]}")
            print(f"    {' ' * len(field)}  actual   {repr(got[field])[:400]}")
    labels = {"crash": "crash detected", "title": "title exact", "alt_titles": "alt titles",
              "type": "type", "corrupted": "corrupted", "suppressed": "suppressed",
              "panicked": "panicked", "frame": "frame (where given)",
              "report": "report text (where given)"}
    for field in FIELDS[2:]:
        print(f"{labels[field]:>20}: {right[field] / max(total[field], 1):.3f} "
              f"({right[field]}/{total[field]})")
    print(f"{labels['crash']:>20}: {right['crash'] / max(total['crash'], 1):.3f} "
          f"({right['crash']}/{total['crash']})")
    print(f"title exact: {right['title'] / max(total['title'], 1):.3f} "
          f"({right['title']}/{total['title']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
