"""A log held in memory -> its crash reports (the package's entry points, see __init__)."""

from __future__ import annotations

import re

from ..types import CrashReport, KernelInfo, LogAnalysis
from .kernel import find_kernel_info
from .report import OopsScanner, find_first_oops, parse_one
from .suppress import is_suppressed

__all__ = ["contains_crash", "find_reports", "kernel_failure", "parse_log"]

MAX_REPORTS = 50
_PANIC = "Kernel panic - not syncing"
_PANIC_WINDOW = 2_000_000  # a panic this far after a report's start is its panic
# Follow-up panics that only repeat the report before them.
_FOLLOW_UP = re.compile(
    r"kernel panic: (?:Fatal exception|panic_on_warn set|hung_task: blocked tasks)"
)


def contains_crash(text: str) -> bool:
    """Does the log hold a kernel crash report? ``"[ 1.0] WARNING: CPU: 0 PID: 1 at ..."`` ->
    True; a clean boot, ``"WARNING: The ... option is deprecated"`` from user space -> False."""
    try:
        return find_first_oops(text) is not None
    except Exception:
        return False


def next_report(
    text: str, pos: int, suppressed: bool | None = None, scanner: OopsScanner | None = None
) -> tuple[CrashReport, int] | None:
    """The first report at or after ``pos`` and where to look for the one after it."""
    scanner = scanner or OopsScanner(text)
    found = scanner.first(pos)
    if found is None:
        return None
    oops, begin, end = found
    panic = scanner.find(_PANIC, begin)
    return parse_one(
        text, oops, begin, end, scanner,
        panicked=panic != -1 and panic + len(_PANIC) <= begin + _PANIC_WINDOW,
        suppressed=is_suppressed(text) if suppressed is None else suppressed,
    )


def keep_report(reports: list[CrashReport], report: CrashReport) -> bool:
    """Drop a panic that only follows up the report before it ("panic_on_warn set")."""
    return not (reports and _FOLLOW_UP.match(report.title))


def find_reports(text: str) -> list[CrashReport]:
    """Every report in ``text``, in log order."""
    reports: list[CrashReport] = []
    pos = 0
    suppressed = None
    scanner = OopsScanner(text)
    while len(reports) < MAX_REPORTS:
        step = next_report(text, pos, suppressed, scanner)
        if step is None:
            break
        report, pos = step
        suppressed = report.suppressed
        if keep_report(reports, report):
            reports.append(report)
    return reports


def analyse(reports: list[CrashReport], kernel: KernelInfo | None = None) -> LogAnalysis:
    """The log's answer from its reports (the first one's kernel describes the log)."""
    if not reports:
        return LogAnalysis(contains_crash=False, kernel=kernel or KernelInfo())
    return LogAnalysis(
        contains_crash=True,
        reports=tuple(reports),
        panicked=any(r.panicked for r in reports),
        kernel=reports[0].kernel,
    )


def parse_log(text: str) -> LogAnalysis:
    """Parse a whole console log held in memory (see the module docstring)."""
    try:
        reports = find_reports(text)
        if not reports:
            return analyse([], find_kernel_info("", text))
        return analyse(reports)
    except Exception:
        return LogAnalysis(contains_crash=contains_crash(text))


def kernel_failure(text: str) -> str | None:
    """What a kernel log holds: ``"crash"`` (any report but a hung task: oops, BUG, WARNING,
    KASAN...), ``"hang"`` (hung-task reports only), or None (no kernel report at all).

    For "INFO: task fsstress:30117 blocked for more than 122 seconds." and its trace: "hang".
    """
    reports = parse_log(text).reports
    if not reports:
        return None
    return "hang" if all(r.crash_type == "HANG" for r in reports) else "crash"
