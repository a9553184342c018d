"""Describe the report found at a line of a log: title, type, frames, kernel."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..types import CrashReport
from .corrupted import find_corruption
from .cut import cut_report
from .frames import find_frames, find_guilty_frame, frame_variants
from .kernel import find_kernel_info
from .lines import CONSOLE, MAX_LINE, clean_line
from .oops import Format, Oops
from .scan import OopsScanner, find_first_oops, match_oops
from .title import clean_frame, clean_title, find_crash_type

__all__ = ["OopsScanner", "describe", "find_first_oops", "match_oops", "parse_one"]


def _fmt(fmt: str, args: list[str]) -> str:
    return re.sub(r"%\[(\d+)\]v", lambda m: args[int(m.group(1)) - 1]
                  if int(m.group(1)) <= len(args) else "", fmt)


@dataclass
class _Description:
    title: str
    alt_titles: list[str]
    corrupted: str
    fmt: Format | None
    frame: str | None


def describe(lines: list[str], oops: Oops) -> _Description | None:
    """Title, alternative titles and corruption of the report text, by the oops' formats."""
    text = "\n".join(lines) + "\n"
    best: _Description | None = None
    best_pos = len(text) + 1
    matched_title = False
    for f in oops.formats:
        m = f.title.search(text)
        if m is None or m.start() > best_pos or (m.start() == best_pos and best is not None):
            continue
        if m.start() < best_pos:
            best = None
            best_pos = m.start()
        matched_title = True
        if f.report is not None:
            m = f.report.search(text)
            if m is None:
                continue
        args = [g or "" for g in m.groups()]
        corrupted = ""
        frame = None
        variants: list[str] = []
        if f.stack is not None:
            lines_from = text[m.start():].split("\n")
            found, reason = find_guilty_frame(f.stack, lines_from)
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
            for v in variants or [None]:
                alts.append(_fmt(alt, [*args[:-1], v] if v is not None else args))
        best = _Description(title, alts, corrupted, f, frame)
    if best is None:
        pos = text.find(oops.header)
        if pos == -1:
            return None
        eol = text.find("\n", pos)
        best = _Description(text[pos:eol], [], "", None, None)
        if matched_title:
            best.corrupted = "matched title but not report regexp"
        if best.title.strip() == oops.header.strip():  # a bare "INFO:" line
            best.title = f"{oops.header.strip()} corrupted"
            best.corrupted = "report header without a description"
    if not best.corrupted and best.fmt is not None and best.fmt.corrupted:
        best.corrupted = "report format is marked as corrupted"
    return best


def parse_one(
    text: str, oops: Oops, begin: int, line_end: int, scanner: OopsScanner | None = None,
    *, panicked: bool = False, suppressed: bool = False,
) -> tuple[CrashReport, int]:
    """Describe the report that starts at ``begin``; return it and where to search next."""
    context, _ = clean_line(text[begin:min(line_end, begin + MAX_LINE)])
    for questionable in (False, True):
        cut = cut_report(text, begin, context, questionable, scanner)
        desc = describe(cut.lines[: max(cut.title_lines, 1)], oops)
        if desc is None:
            desc = describe(cut.lines, oops)
        if desc is None:  # the header sits beyond MAX_LINE in a huge line
            line = text[begin:line_end]
            desc = _Description(line[line.find(oops.header):][:200], [], "", None, None)
        body = "\n".join(cut.lines) + "\n"
        reason = desc.corrupted or find_corruption(desc.title, body, desc.fmt)
        no_frames = reason == "extracted no stack frame"
        if no_frames and context not in ("", CONSOLE) and not questionable:
            continue
        break
    title = clean_title(desc.title)
    alts = sorted({clean_title(a) for a in desc.alt_titles} - {title})
    report_text = "\n".join([*cut.prefix, *cut.lines]) + "\n"
    frames = tuple(clean_frame(f) if "." in f else f for f in find_frames(cut.lines))
    guilty = desc.frame if desc.frame and desc.frame != "corrupted" else None
    if guilty is None:
        fm = re.match(r".* in ((?:<[a-zA-Z0-9_: ]+>|[a-zA-Z0-9_:])+)", title)
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
        kernel=find_kernel_info(body, text[: min(begin, 200_000)]),
        panicked=panicked,
        suppressed=suppressed,
    )
    return report, max(cut.next_start, line_end + 1)
