"""ci_results/parsing/xunit.py on the fixtures in tests/fixtures/xunit/."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ci_results.parsing.xunit import XunitError, XunitSchemaError, find_runs, parse_xunit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "xunit"


def load(name: str) -> bytes:
    return next(FIXTURES.glob(f"{name}-*.xml")).read_bytes()


def test_it_reads_the_section_properties_and_times():
    suite = parse_xunit(load("0001")).suites[0]
    assert suite.section == "xfs_reflink_4k"
    assert suite.hostname == "debian12-xfs-reflink-4k"
    assert suite.properties["KERNEL"] == "6.9.0-rc6"
    assert suite.properties["FSTYP"] == "xfs"
    assert suite.started_at == datetime(2024, 4, 30, 9, 45, 12, tzinfo=UTC)
    assert suite.reported_at == datetime(2024, 4, 30, 10, 40, 19, tzinfo=UTC)
    assert suite.time == 3163.0


def test_it_maps_each_testcase_to_a_status_and_an_outcome():
    cases = parse_xunit(load("0001")).suites[0].cases
    assert [(c.name, c.status, c.outcome) for c in cases] == [
        ("generic/001", "pass", "pass"),
        ("generic/017", "notrun", "skip"),
        ("generic/455", "expunged", "skip"),
        ("generic/269", "fail", "crash"),
        ("generic/447", "fail", "crash"),
        ("generic/751", "fail", "hang"),
        ("generic/001", "pass", "pass"),
    ]


def test_it_keeps_messages_and_cdata_blocks():
    cases = {(c.name, c.iteration): c for c in parse_xunit(load("0001")).suites[0].cases}
    notrun = cases["generic/017", 1]
    assert notrun.message == "Filesystem xfs blocksize 4096 not supported on this system"
    mismatch = cases["generic/269", 1]
    assert mismatch.message.startswith("- output mismatch (see ")
    assert mismatch.failure_type == "TestFail"
    assert mismatch.system_err.startswith("--- tests/generic/269.out")
    assert mismatch.system_out.endswith("No space left on device")
    assert not mismatch.kernel_crash
    assert mismatch.kernel_log == ""


def test_it_tells_a_kernel_crash_from_a_hang_in_the_kernel_log():
    cases = {c.name: c for c in parse_xunit(load("0001")).suites[0].cases}
    crash = cases["generic/447"]
    assert crash.kernel_crash
    assert crash.kernel_log.startswith("[ 2911.402167] run fstests generic/447")
    assert "BUG: kernel NULL pointer dereference, address: 0000000000000036" in crash.kernel_log
    assert crash.kernel_log.endswith("</TASK>")
    hang = cases["generic/751"]
    assert not hang.kernel_crash
    assert "blocked for more than 122 seconds" in hang.kernel_log


def test_it_numbers_repeated_test_names_as_iterations():
    cases = parse_xunit(load("0002")).suites[0].cases
    assert [(c.name, c.iteration, c.outcome) for c in cases] == [
        ("xfs/104", 1, "pass"), ("xfs/104", 2, "crash"), ("xfs/104", 3, "pass"),
    ]


def test_it_reads_the_old_format_without_namespace_or_section():
    suite = parse_xunit(load("0002")).suites[0]
    assert suite.section == "global"
    assert suite.started_at is None
    assert suite.timestamp == datetime(2019, 6, 3, 14, 2, 11, tzinfo=UTC)


def test_it_reads_aggregated_testsuites():
    body = load("0002").decode().split("\n", 1)[1]
    report = parse_xunit(f"<testsuites>{body}{body}</testsuites>")
    assert len(report.suites) == 2
    assert all(len(s.cases) == 3 for s in report.suites)


def test_it_refuses_entity_declarations():
    with pytest.raises(XunitError, match="DOCTYPE"):
        parse_xunit(load("0003"))


@pytest.mark.parametrize("data", [
    b"", b"<testsuite", b"<testsuite></testcase>", b"\xff\xfe<",
    b'<?xml version="1.0" encoding="NaN"?><testsuite/>',  # no such codec
])
def test_it_refuses_malformed_xml(data):
    with pytest.raises(XunitError, match="malformed XML"):
        parse_xunit(data)


def test_it_refuses_a_document_over_the_size_limit():
    with pytest.raises(XunitError, match="larger than"):
        parse_xunit(load("0001"), max_bytes=1000)


def test_it_names_every_field_at_fault():
    with pytest.raises(XunitSchemaError) as info:
        parse_xunit(load("0004"))
    assert info.value.errors == (
        "testsuite.testcase[0].name: required attribute missing",
        "testsuite.testcase[1].time: 'four' is not a number of seconds",
    )


def test_it_refuses_another_root_element():
    with pytest.raises(XunitSchemaError, match="expected <testsuite>"):
        parse_xunit(b"<html><body/></html>")


def test_it_makes_one_run_per_testcase_with_the_section_as_config():
    runs = find_runs(parse_xunit(load("0001")), tree="linux-next")
    assert len(runs) == 7
    crash = runs[4]
    assert crash["run_id"] == (
        "debian12-xfs-reflink-4k:xfs_reflink_4k:2024-04-30T09:45:12+00:00:generic/447:1"
    )
    assert crash["kernel"] == {"tree": "linux-next", "version": "6.9.0-rc6", "commit": ""}
    assert crash["config"]["name"] == "xfs_reflink_4k"
    assert (crash["config"]["filesystem"], crash["config"]["block_size"]) == ("xfs", 4096)
    assert crash["reproducer"]["name"] == "generic/447"
    assert crash["outcome"] == "crash"
    assert crash["duration_s"] == 1801.0
    # 09:45:12 plus the 5 s and 113 s of the tests run before it.
    assert crash["started_at"] == "2024-04-30T09:47:10+00:00"
    assert "filemap_get_folios_tag" in crash["console_log"]
    assert runs[0]["console_log"] is None
    assert runs[6]["run_id"].endswith("generic/001:2")
    assert runs[6]["started_at"] == "2024-04-30T10:37:51+00:00"  # the report's timestamp


def test_it_gives_the_same_run_ids_on_a_second_import():
    report = parse_xunit(load("0001"))
    first = [r["run_id"] for r in find_runs(report)]
    assert first == [r["run_id"] for r in find_runs(parse_xunit(load("0001")))]
    assert len(set(first)) == len(first)


def test_it_needs_a_kernel_version_from_the_file_or_the_caller():
    report = parse_xunit(load("0002"))
    assert find_runs(report)[0]["kernel"]["version"] == "5.2.0-rc3"
    assert find_runs(report, kernel="5.2.0-rc4")[0]["kernel"]["version"] == "5.2.0-rc4"
    bare = parse_xunit(b'<testsuite name="xfstests" hostname="h" timestamp="2024-04-30T10:00:00">'
                       b'<properties/><testcase classname="xfstests.x" name="generic/1" time="1"/>'
                       b"</testsuite>")
    with pytest.raises(XunitSchemaError, match="KERNEL"):
        find_runs(bare)
