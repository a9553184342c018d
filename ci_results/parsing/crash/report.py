"""Describe the report found at a line of a log: title, type, frames, kernel."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..types import CrashReport
from .body import Body
from .corrupted import find_corruption
from .cut import Cut, cut_report
from .frames import frame_variants
from .kernel import find_kernel_info
from .lines import CONSOLE, MAX_LINE, clean_line
from .oops import Format, Oops
from .scan import OopsScanner, find_first_oops, match_oops
from .title import clean_frame, clean_title, find_crash_type
from .trace import find_frames, find_guilty_frame

__all__ = ["OopsScanner", "describe", "find_first_oops", "match_oops", "parse_one"]


_ARG_RE = re.compile(r"%\[(\d+)\]v")
# "... in foo": the frame a title without a stack format names.
_IN_FRAME_RE = re.compile(r".* in ((?:<[a-zA-Z0-9_: ]+>|[a-zA-Z0-9_:])+)")


@lru_cache(maxsize=1024)
def _fmt_parts(fmt: str) -> tuple[tuple[str, int], ...]:
    """``"KASAN: %[1]v in %[3]v"`` -> ``(("KASAN: ", 1), (" in ", 3), ("", 0))``."""
    parts, pos = [], 0
    for m in _ARG_RE.finditer(fmt):
        parts.append((fmt[pos:m.start()], int(m.group(1))))
        pos = m.end()
    parts.append((fmt[pos:], 0))
    return tuple(parts)


def _fmt(fmt: str, args: list[str]) -> str:
    """Fill a Go-like format: ``%[2]v`` is ``args[1]``, or "" when there is no such arg."""
    n = len(args)
    return "".join(lit + (args[k - 1] if 0 < k <= n else "") for lit, k in _fmt_parts(fmt))


@dataclass
class _Description:
    title: str
    alt_titles: list[str]
    corrupted: str
    fmt: Format | None
    frame: str | None


def _first_titles(oops: Oops, text: str, end: int) -> list[tuple[int, re.Match[str]]]:
    """The formats whose title matches earliest in ``text[:end]``, in table order, with
    their matches (the answer a search of every title over the text would give)."""
    formats = oops.formats
    found: list[tuple[int, re.Match[str]]] = []
    at = end + 1
    longest = oops.longest
    if longest is not None:
        pos = text.find(oops.header, 0, end)
        while pos != -1:
            lit = longest.match(text, pos, end)
            if lit is not None:
                for i in oops.candidates[lit.group()]:
                    m = formats[i].title.match(text, pos, end)
                    if m is not None:
                        found.append((i, m))
                if found:
                    at = pos
                    break
            pos = text.find(oops.header, pos + 1, end)
    for i in oops.searched:
        m = formats[i].title.search(text, 0, end)
        if m is None or m.start() > at:
            continue
        if m.start() < at:
            found, at = [], m.start()
        found.append((i, m))
    return sorted(found, key=lambda item: item[0]) if oops.searched else found


def _described(f: Format, m: re.Match[str], body: Body, n: int) -> _Description:
    args = [g or "" for g in m.groups()]
    corrupted = ""
    frame = None
    variants: list[str] = []
    if f.stack is not None:
        found, reason = find_guilty_frame(f.stack, body, m.start(), n)
        if found is None:
            frame = "corrupted"
            corrupted = reason or "extracted no stack frame"
            variants = [frame]
        else:
            canonical, raw = found
            variants = [canonical] + [v for v in frame_variants(raw) if v != canonical]
            frame = canonical
            corrupted = reason
        args.append(frame)
    title = _fmt(f.fmt, args)
    alts: list[str] = []
    for v in variants[1:]:
        alts.append(_fmt(f.fmt, [*args[:-1], v]))
    for alt in f.alt:
        if not variants:
            alts.append(_fmt(alt, args))
        for v in variants:
            alts.append(_fmt(alt, [*args[:-1], v]))
    return _Description(title, alts, corrupted, f, frame)


def describe(body: Body, oops: Oops, n: int | None = None) -> _Description | None:
    """Title, alternative titles and corruption of the first ``n`` lines of the report (all
    by default), by the oops' formats.

    The title whose match starts first wins; among titles matching there, the first in
    table order whose report regex (when it has one) matches too.
    """
    text = body.text
    n = len(body.lines) if n is None else min(n, len(body.lines))
    end = body.end_of(n)
    matches = _first_titles(oops, text, end)
    best: _Description | None = None
    for i, m in matches:
        f = oops.formats[i]
        if f.report is not None:
            whole = f.report.search(text, 0, end)
            if whole is None:
                continue
            m = whole
        best = _described(f, m, body, n)
        break
    if best is None:
        pos = text.find(oops.header, 0, end)
        if pos == -1:
            return None
        eol = text.find("\n", pos)
        best = _Description(text[pos:eol], [], "", None, None)
        if matches:
            best.corrupted = "matched title but not report regexp"
        if best.title.strip() == oops.header.strip():  # a bare "INFO:" line
            best.title = f"{oops.header.strip()} corrupted"
            best.corrupted = "report header without a description"
    if not best.corrupted and best.fmt is not None and best.fmt.corrupted:
        best.corrupted = "report format is marked as corrupted"
    return best


def _cut_described(
    text: str, oops: Oops, begin: int, line_end: int, context: str, questionable: bool,
    scanner: OopsScanner | None,
) -> tuple[Cut, Body, _Description, str]:
    """The report's lines, their description and why they are corrupted ("" if not)."""
    cut = cut_report(text, begin, context, questionable, scanner)
    body = Body(cut.lines, (cut.table, cut.rows))
    desc = describe(body, oops, max(cut.title_lines, 1)) or describe(body, oops)
    if desc is None:  # the header sits beyond MAX_LINE in a huge line
        line = text[begin:line_end]
        desc = _Description(line[line.find(oops.header):][:200], [], "", None, None)
    return cut, body, desc, desc.corrupted or find_corruption(desc.title, body, desc.fmt)


def _clean_title(title: str, memo: dict[str, str]) -> str:
    clean = memo.get(title)
    if clean is None:
        clean = memo[title] = clean_title(title)
    return clean


def parse_one(
    text: str, oops: Oops, begin: int, line_end: int, scanner: OopsScanner | None = None,
    *, panicked: bool = False, suppressed: bool = False,
) -> tuple[CrashReport, int]:
    """Describe the report that starts at ``begin``; return it and where to search next."""
    context, _ = clean_line(text[begin:min(line_end, begin + MAX_LINE)])
    cut, body, desc, reason = _cut_described(
        text, oops, begin, line_end, context, False, scanner)
    if reason == "extracted no stack frame" and context not in ("", CONSOLE):
        # A trace of "? func+0x1/0x2" frames only: read them after all.
        cut, body, desc, reason = _cut_described(
            text, oops, begin, line_end, context, True, scanner)
    memo = scanner.clean_titles if scanner is not None else {}
    title = _clean_title(desc.title, memo)
    alts = sorted({_clean_title(a, memo) for a in desc.alt_titles} - {title})
    report_text = "\n".join(cut.prefix) + "\n" + body.text if cut.prefix else body.text
    frames = tuple(clean_frame(f) if "." in f else f for f in find_frames(body))
    guilty = desc.frame if desc.frame and desc.frame != "corrupted" else None
    if guilty is None:
        fm = _IN_FRAME_RE.match(title)
        guilty = fm.group(1) if fm and fm.group(1) != "corrupted" else None
    report = CrashReport(
        title=title,
        crash_type=find_crash_type(title),
        alt_titles=tuple(alts),
        corrupted=bool(reason),
        corrupted_reason=reason,
        guilty_frame=guilty,
        frames=frames,
        report=report_text,
        start=begin,
        end=cut.end,
        kernel=find_kernel_info(body.text, text, min(begin, 200_000)),
        panicked=panicked,
        suppressed=suppressed,
    )
    return report, max(cut.next_start, line_end + 1)
