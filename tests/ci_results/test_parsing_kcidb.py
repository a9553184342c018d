"""ci_results/parsing/kcidb.py on tests/fixtures/kcidb/ (and on the corpus when present)."""

import json
from pathlib import Path

import pytest

from ci_results.parsing.kcidb import KcidbError, KcidbSchemaError, find_runs, parse_kcidb

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kcidb"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "kcidb"


def load(name: str) -> bytes:
    return next(FIXTURES.glob(f"{name}-*.json")).read_bytes()


def runs_by_id() -> dict[str, dict]:
    return {r["run_id"]: r for r in find_runs(parse_kcidb(load("0001"))).runs}


def test_it_maps_every_kcidb_status_to_an_outcome():
    outcomes = {run_id.split(":")[1]: r["outcome"] for run_id, r in runs_by_id().items()}
    assert outcomes == {
        "xfs_reflink_4k-generic-447-1": "crash",  # FAIL with an oops
        "xfs_reflink_4k-generic-751-1": "hang",  # FAIL with a hung task only
        "xfs_reflink_4k-generic-001-1": "pass",
        "xfs_reflink_4k-generic-017-1": "skip",
        "xfs_reflink_4k-generic-269-1": "error",
        "xfs_reflink_4k-generic-455-1": "error",  # MISS
        "xfs_reflink_4k-perf-1": "pass",  # DONE
    }


def test_it_takes_kernel_config_and_reproducer_from_checkout_build_and_test():
    run = runs_by_id()["kdevops:xfs_reflink_4k-generic-447-1"]
    assert run["origin"] == "kdevops"
    assert run["kernel"] == {
        "tree": "linux-next", "version": "next-20240430", "tag": "next-20240430",
        "commit": "bb7a2467e6beef44a80a17d45ebf2931e7631083",
        "patches": [{"kind": "series",
                     "ref": "20240425113746.335530-1-kernel@pankajraghav.com"}],
    }
    assert run["config"] == {"name": "xfs_reflink_4k/x86_64", "arch": "x86_64",
                             "params": {"compiler": "gcc (Debian 12.2.0-14) 12.2.0"}}
    assert run["reproducer"]["name"] == "fstests.generic.447"
    assert (run["started_at"], run["duration_s"]) == ("2024-04-30T09:47:10+00:00", 1801)
    assert run["host"] == "debian12-xfs-reflink-4k (QEMU/KVM, 8 vCPUs, 8 GiB)"
    assert run["vm"]["log_url"] == "https://example.org/kdevops/xfs_reflink_4k/generic/447.dmesg"
    assert run["console_log"].startswith("[ 4713.103512] BUG: kernel NULL pointer dereference")


def test_it_falls_back_to_the_build_start_time():
    run = runs_by_id()["kdevops:xfs_reflink_4k-generic-017-1"]
    assert run["started_at"] == "2024-04-30T08:10:40+00:00"
    assert run["console_log"] is None


def test_it_lists_the_tests_it_cannot_import_with_the_reason():
    ignored = dict(find_runs(parse_kcidb(load("0001"))).ignored)
    assert ignored == {
        "kdevops:xfs_reflink_4k-generic-750-1": "no status yet: the test has not finished",
        "kdevops:xfs_16k-generic-001-1":
            "build kdevops:next-20240430-lbs-v4-arm64 is not in the submission",
    }


def test_it_rejects_another_major_version_naming_the_fields():
    with pytest.raises(KcidbSchemaError) as info:
        parse_kcidb(load("0002"))
    assert info.value.errors == (
        "(root): Additional properties are not allowed ('issue' was unexpected)",
        "version.major: 5 was expected",
    )


def test_it_names_every_field_at_fault_in_a_v5_submission():
    with pytest.raises(KcidbSchemaError) as info:
        parse_kcidb(load("0003"))
    assert [e.split(":")[0] for e in info.value.errors] == [
        "tests[0].status", "tests[1].id", "tests[1].start_time",
    ]
    assert "'yesterday' is not a 'date-time'" in info.value.errors[2]


def test_it_accepts_an_earlier_v5_minor():
    data = json.loads(load("0001"))
    data["version"]["minor"] = 1
    assert parse_kcidb(json.dumps(data))["version"]["minor"] == 1


@pytest.mark.parametrize("body", [b"", b"{", b"\xff\xfe", b'{"version": NaN}', b"[" * 100_000])
def test_it_refuses_what_is_not_json(body):
    with pytest.raises(KcidbError, match="malformed JSON"):
        parse_kcidb(body)


def test_it_refuses_a_document_over_the_size_limit():
    with pytest.raises(KcidbError, match="larger than"):
        parse_kcidb(load("0001"), max_bytes=100)


@pytest.mark.parametrize("version", [{"major": 5, "minor": []}, {"major": 5, "minor": "3"}, "5.3"])
def test_it_reports_a_malformed_version_as_a_schema_error(version):
    data = json.loads(load("0001"))
    data["version"] = version
    with pytest.raises(KcidbSchemaError, match="version"):
        parse_kcidb(json.dumps(data))


def test_it_refuses_json_that_is_not_an_object():
    with pytest.raises(KcidbSchemaError, match="JSON object"):
        parse_kcidb(b"[]")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpora/kcidb is not present")
def test_it_accepts_the_corpus_example_and_rejects_the_negative_one():
    good = parse_kcidb((CORPUS / "kcidb-test_db-comprehensive.json").read_bytes())
    assert [r["outcome"] for r in find_runs(good).runs] == ["crash"]
    with pytest.raises(KcidbSchemaError, match="5 was expected"):
        parse_kcidb((CORPUS / "submitter-guide-required-fields.json").read_bytes())
