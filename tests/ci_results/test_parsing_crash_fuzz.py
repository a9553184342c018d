"""The parser never raises, never hangs, always answers (ci_results/parsing/crash)."""

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ci_results.parsing.crash import contains_crash, find_reports, parse_log
from ci_results.parsing.types import LogAnalysis

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "crash"
LOGS = [p.read_text() for p in sorted(FIXTURES.glob("0*.txt"))]
# Pieces of real report lines, so that random text often looks like a report.
PIECES = [
    "BUG: ", "WARNING: ", "INFO: ", "Call Trace:\n", " ? ", "+0x1f/0x30", "RIP: 0010:",
    "[  60.0] ", "[ T123] ", "\r\n", "\n", "general protection fault", "Kernel panic - not syncing",
    "KASAN: ", " in ", "at: ", "backtrace:\n", "(", ")", "[<ffffffff81000000>] ", "kernel BUG at ",
    "INFO: task x:1 blocked for more than 120 seconds.\n", "INFO: rcu_sched self-detected stall",
]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.text())
def test_it_answers_random_text(text):
    find_reports(text)  # unguarded: an internal error fails here instead of being absorbed
    analysis = parse_log(text)
    assert isinstance(analysis, LogAnalysis)
    assert analysis.contains_crash == contains_crash(text) == bool(analysis.reports)


@FAST
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=20), max_size=60).map("".join))
def test_it_answers_report_like_text(text):
    find_reports(text)
    analysis = parse_log(text)
    for report in analysis.reports:
        assert report.title and len(report.title) <= 120
        assert 0 <= report.start <= report.end <= len(text)


@FAST
@given(st.sampled_from(LOGS), st.data())
def test_it_answers_mutated_fixture_logs(log, data):
    lines = log.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(0, 8))):
        op = data.draw(st.sampled_from(["drop", "dup", "cut", "insert"]))
        i = data.draw(st.integers(0, max(len(lines) - 1, 0)))
        if not lines:
            break
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "cut":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
        else:
            lines.insert(i, data.draw(st.sampled_from(PIECES) | st.text(max_size=40)))
    find_reports("".join(lines))
    assert isinstance(parse_log("".join(lines)), LogAnalysis)


@pytest.mark.parametrize(
    "text",
    [
        "x" * 1_000_000,
        "[" * 100_000,
        "[ " * 100_000 + "BUG: x",
        "BUG: KASAN: " + "a" * 500_000,
        "WARNING: " + " at " * 200_000,
        "INFO: task " + "x" * 300_000 + " blocked for more than 1 seconds",
        "BUG: soft lockup\n" + "Call Trace:\n" * 50_000,
        "general protection fault:" + "\n" * 200_000 + "RIP: 0010:" + "a" * 300_000,
        "[  1.0] BUG: unable to handle kernel paging request\n" + " ? x+0x1/0x2\n" * 50_000,
    ],
    ids=["1MB-line", "brackets", "brackets-then-bug", "long-kasan", "many-at", "long-task",
         "many-traces", "many-newlines", "many-questionable"],
)
def test_it_stays_fast_on_adversarial_logs(text):
    # CPU time, not wall time: other jobs on a shared CI box must not make this flaky.
    started = time.process_time()
    analysis = parse_log(text)
    find_reports(text)
    elapsed = time.process_time() - started
    assert isinstance(analysis, LogAnalysis)
    # Linear-time parsing takes well under 50 ms per MB here; backtracking takes seconds.
    assert elapsed < 0.3 + 0.25 * len(text) / 1e6, f"{elapsed:.2f} s"
