"""Finding the lines where crash reports start (ci_results/parsing/crash/scan.py)."""

from ci_results.parsing.crash.scan import OopsScanner, find_first_oops, match_oops

LOG = (
    "[    1.0] audit: type=1400 comm=\"x\" name=\"BUG: not a report\"\n"
    "[    2.0] WARNING: The mount option is deprecated\n"
    "[   60.0] BUG: kernel NULL pointer dereference, address: 0000000000000036\n"
    "[   60.1] #PF: supervisor read access in kernel mode\n"
    "[   61.0] Kernel panic - not syncing: Fatal exception\n"
)


def test_it_finds_report_starts_in_log_order_from_any_position():
    scanner = OopsScanner(LOG)
    oops, begin, end = scanner.first()
    assert (oops.header, LOG[begin:end]) == ("BUG:", LOG.splitlines()[2])
    oops, begin, _ = scanner.first(end + 1)
    assert (oops.header, LOG[begin:begin + 9]) == ("Kernel panic", "[   61.0]")
    assert scanner.first(len(LOG) - 5) is None


def test_it_ignores_audit_records_and_user_space_warnings():
    assert match_oops(LOG.splitlines()[0]) is None
    assert match_oops(LOG.splitlines()[1]) is None
    assert find_first_oops(LOG.splitlines()[0] + "\n" + LOG.splitlines()[1]) is None
