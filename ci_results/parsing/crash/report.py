"""Find report starts in a log, cut each report out, and describe it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..types import CrashReport
from .corrupted import find_corruption
from .frames import find_frames, find_guilty_frame, frame_variants
from .kernel import find_kernel_info
from .lines import CONSOLE, MAX_LINE, clean_line, is_questionable
from .oops import LINUX_OOPSES, Format, Oops
from .title import clean_frame, clean_title, find_crash_type

# How much of a log one report may span (a report is a few hundred lines at most; a
# bounded window keeps every regex below linear in the input).
MAX_REPORT_LINES = 1500
MAX_REPORT_CHARS = 300_000
MAX_PREFIX_LINES = 5
MAX_REPORTS = 50

_PANIC = "Kernel panic - not syncing"


def _line_window(text: str, begin: int, end: int, at: int) -> str:
    """The line, or MAX_LINE characters of it around ``at`` when it is huge."""
    if end - begin <= MAX_LINE:
        return text[begin:end]
    lo = max(begin, at - MAX_LINE // 2)
    return text[lo:min(end, lo + MAX_LINE)]


_HEADERS_RE = re.compile("|".join(re.escape(o.header) for o in LINUX_OOPSES))


def match_oops(line: str) -> Oops | None:
    """The first oops (in table order) whose header the line holds and does not suppress."""
    audit = line.find("audit: type=")
    if audit != -1:
        line = line[:audit]  # the record quotes user strings; text before it may be a report
    if _HEADERS_RE.search(line) is None:
        return None
    for oops in LINUX_OOPSES:
        if oops.header in line and not any(s.search(line) for s in oops.suppressions):
            return oops
    return None


# Fewer needles than headers: every header contains one of these, so a hit is a candidate
# line that ``match_oops`` then checks.
_TRIGGERS = (
    "BUG", "WARNING:", "INFO:", "Unable to handle kernel", "fault", "stack segment: ",
    "Kernel panic", "error:", "UBSAN:", "Booting the kernel.", "unregister_netdevice: waiting",
    "VFS: ", "Alignment trap:", "panic", "SYZFA",
)
assert all(any(t in o.header for t in _TRIGGERS) for o in LINUX_OOPSES)


class OopsScanner:
    """Finds report starts in one log, remembering the next occurrence of every header.

    ``str.find`` per header is several times faster than one regex alternation over a
    30 MB log; caching the next hit keeps the total work linear in the log size.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._next: dict[str, int] = {}

    def _find(self, header: str, pos: int) -> int:
        hit = self._next.get(header, -2)
        if hit == -1 or hit >= pos:
            return hit
        hit = self.text.find(header, pos)
        self._next[header] = hit
        return hit

    def first(self, start: int = 0) -> tuple[Oops, int, int] | None:
        """(oops, line begin, line end) of the first report start at or after ``start``."""
        text = self.text
        n = len(text)
        pos = start
        while pos < n:
            hits = [h for h in (self._find(t, pos) for t in _TRIGGERS) if h != -1]
            if not hits:
                return None
            at = min(hits)
            begin = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            if end == -1:
                end = n
            oops = match_oops(_line_window(text, begin, end, at))
            if oops is not None:
                return oops, begin, end
            pos = end + 1
        return None


def find_first_oops(text: str, start: int = 0) -> tuple[Oops, int, int] | None:
    """Return (oops, line begin, line end) of the first report start at or after ``start``.

    ``"[ 60.0] BUG: kernel NULL pointer dereference, address: 36"`` -> the "BUG:" oops.
    """
    return OopsScanner(text).first(start)


_UNREGISTER = "unregister_netdevice: waiting for"


def _is_second_report(line: str) -> bool:
    # A panic that follows a report ("Kernel panic - not syncing: panic_on_warn set") is
    # part of it, not a new one.
    # "unregister_netdevice: waiting for lo to become free" repeats during hangs.
    oops = match_oops(line)
    return oops is not None and oops.header not in ("Kernel panic", _UNREGISTER)


@dataclass
class _Cut:
    lines: list[str]  # stripped report lines, from the oops line on
    prefix: list[str]  # up to 5 same-context lines before it
    title_lines: int  # how many of ``lines`` belong to this report (before a second one)
    end: int  # character offset where this report ends in the log
    next_start: int  # where to look for the next report


# One console line: optional syslog header, "host login: ", printk-dropped note, "<6>",
# "[   60.002464]" and "[ T2148]" (see lines.py); matched line by line over the report.
_LINE_RE = re.compile(
    r"^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d [\w.-]{1,64} kernel: )?"
    r"(?:[\w.-]{1,64} login: )?"
    r"(?:(?:\*\* \d{1,9} printk messages dropped \*\* )?(?:<\d{1,3}>)?"
    r"(\[ {0,20}\d{1,9}\.\d{1,9}\])(?:\[ {0,20}([TC]\d{1,9})\])? ?)?"
    r"([^\n]*)",
    re.M,
)


# Log lines after the start of the next report that still belong to this one's text.
_KEEP_AFTER_SECOND = 200


def _second_report(scanner: OopsScanner, after: int) -> int:
    """Start of the next line that begins another report, or -1."""
    while True:
        found = scanner.first(after)
        if found is None:
            return -1
        if _is_second_report(scanner.text[found[1]:min(found[2], found[1] + MAX_LINE)]):
            return found[1]
        after = found[2] + 1


def _cut_report(
    text: str, start: int, context: str, questionable: bool, scanner: OopsScanner | None = None
) -> _Cut:
    prefix: list[str] = []
    # Walk back a bounded number of lines for the prefix.
    back = start
    seen = 0
    while back > 0 and seen < 50 and len(prefix) < MAX_PREFIX_LINES:
        b = text.rfind("\n", 0, back - 1) + 1
        ctx, stripped = clean_line(text[b:back - 1][:MAX_LINE])
        seen += 1
        if ctx == context and stripped and (questionable or not is_questionable(stripped)):
            prefix.insert(0, stripped)
        back = b
    first_end = text.find("\n", start)
    second_at = -1 if first_end == -1 else _second_report(scanner or OopsScanner(text),
                                                          first_end + 1)
    lines: list[str] = []
    title_lines = 0
    second = 0
    text_lines = 0
    skip_text = False
    end = len(text)
    chars = 0
    check_questionable = not questionable and context
    stop_at = MAX_REPORT_LINES * 4
    for k, m in enumerate(_LINE_RE.finditer(text, start)):
        b = m.start()
        stamp, ctx, stripped = m.group(1, 2, 3)
        if k > stop_at:
            # Past the next report: its lines only matter to the corrupted check for a
            # while; stopping keeps a log with many reports linear.
            end = b
            break
        if len(stripped) > MAX_LINE:
            stripped = stripped[:MAX_LINE]
        if stripped.endswith("\r"):
            stripped = stripped.rstrip("\r")
        ctx = ctx or (CONSOLE if stamp else "")
        if k and b == second_at:
            second = b
            if context in ("", CONSOLE) or ctx == context:
                title_lines = len(lines)
            stop_at = k + _KEEP_AFTER_SECOND
        if k and (ctx != context or (check_questionable and "?" in stripped[:40]
                                     and is_questionable(stripped))):
            if k > MAX_REPORT_LINES:
                end = b
                break
            continue
        text_lines += 1
        skip_line = skip_text
        if "Disabling lock debugging due to kernel taint" in stripped:
            skip_line = True
        elif text_lines > 24 and _PANIC in stripped:
            skip_text = skip_line = True
        if not skip_line:
            lines.append(stripped)
            if not second or context not in ("", CONSOLE):
                title_lines = len(lines)
        chars += len(stripped)
        if text_lines > MAX_REPORT_LINES or chars > MAX_REPORT_CHARS:
            end = m.end()
            break
    next_start = second if second else end
    return _Cut(lines, prefix, title_lines, second or end, next_start)


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
    text: str, oops: Oops, begin: int, line_end: int, scanner: OopsScanner | None = None
) -> tuple[CrashReport, int]:
    """Describe the report that starts at ``begin``; return it and where to search next."""
    context, _ = clean_line(text[begin:min(line_end, begin + MAX_LINE)])
    for questionable in (False, True):
        cut = _cut_report(text, begin, context, questionable, scanner)
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
    )
    return report, max(cut.next_start, line_end + 1)
