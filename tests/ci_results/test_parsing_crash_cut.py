"""Cutting one report out of a log (ci_results/parsing/crash/cut.py)."""

from pathlib import Path

from ci_results.parsing.crash.cut import cut_report
from ci_results.parsing.crash.scan import OopsScanner

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "crash"


def test_it_keeps_only_the_lines_of_the_reports_context():
    text = (FIXTURES / "0003-kasan-uaf-caller-ids-interleaved.txt").read_text()
    start = text.index("[   84.209478]")
    cut = cut_report(text, start, "T5827", questionable=False)
    assert cut.lines[0] == "BUG: KASAN: slab-use-after-free in tipc_mon_reinit_self+0x2a1/0x330"
    assert not any("net_ratelimit" in line or "vhci_hcd" in line for line in cut.lines)
    assert "? __pfx_dump_stack_lvl+0x10/0x10" not in cut.lines
    assert cut.prefix[-1] == "=" * 66


def test_it_ends_the_title_lines_at_the_next_report_and_reuses_the_line_table():
    text = "".join(
        f"[  1.{i}] INFO: task a:{i} blocked for more than 143 seconds.\n"
        f"[  1.{i}] Call Trace:\n[  1.{i}]  schedule+0x1/0x2\n"
        for i in range(3)
    )
    scanner = OopsScanner(text)
    first = cut_report(text, 0, "console", questionable=False, scanner=scanner)
    table = scanner.table
    second = cut_report(text, first.next_start, "console", questionable=False, scanner=scanner)
    assert first.lines[first.title_lines - 1] == " schedule+0x1/0x2"
    assert first.title_lines == 3 and first.end == text.index("[  1.1] INFO")
    assert second.lines[0] == "INFO: task a:1 blocked for more than 143 seconds."
    assert scanner.table is table


def test_it_stops_a_report_at_the_character_limit():
    text = "[  1.0] BUG: soft lockup\n" + "[  1.0] " + "x" * 4000 + "\n" + (
        ("[  1.0] " + "y" * 4000 + "\n") * 100)
    cut = cut_report(text, 0, "console", questionable=False)
    # The line that takes the report past 300000 characters is its last one.
    assert len(cut.lines) == 76 and cut.end == 25 + 4009 * 75 - 1
