"""The seed's crash, as mailed and as a full console log: the issue's acceptance case."""

from pathlib import Path

import pytest

from ci_results.parsing.crash import parse_log

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "crash"
SEED_TITLE = "BUG: unable to handle kernel NULL pointer dereference in filemap_get_folios_tag"


def assert_seed(analysis):
    assert analysis.contains_crash
    report = analysis.reports[0]
    assert report.title == SEED_TITLE
    assert report.crash_type == "NULL-POINTER-DEREFERENCE"
    assert report.guilty_frame == "filemap_get_folios_tag"
    assert not report.corrupted
    kernel = report.kernel
    assert kernel.version == "6.9.0-rc6"
    assert kernel.workqueue == "writeback wb_workfn"
    assert (kernel.cpu, kernel.pid, kernel.comm) == (4, 89, "kworker/u37:2")
    assert kernel.taint == "Not tainted"
    assert kernel.hardware.startswith("QEMU Standard PC (Q35 + ICH9, 2009)")
    assert kernel.rip == "filemap_get_folios_tag"
    assert report.frames[:3] == ("writeback_iter", "write_cache_pages", "iomap_writepages")


def test_it_parses_the_seed_message(seed_text):
    assert_seed(parse_log(seed_text))


@pytest.mark.parametrize(
    "name",
    ["0001-seed-null-deref-syslog-decoded.txt", "0002-seed-null-deref-full-log-timestamps.txt"],
)
def test_it_parses_the_seed_fixtures(name):
    assert_seed(parse_log((FIXTURES / name).read_text()))
