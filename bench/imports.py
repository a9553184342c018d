"""Speed of the fstests xunit and KCIDB imports, parse to database, plus Fisher at scale.

Usage: python bench/imports.py [--tests N] [--kcidb-corpus DIR]

Builds a synthetic fstests report of N testcases (one in ten failing with a 3 KB kernel
log) and a KCIDB submission of N tests, then times: parsing, the run payloads, and recording
them with ``runs_record`` into a fresh origin of the database named by DATABASE_URL (the
default SQLite file if unset: use a scratch one). With ``--kcidb-corpus`` (the directory
``../shared/corpora/kcidb``) it also checks that the example is accepted and the negative
example rejected. Last it times fix_verdict on 100,000-run kernels.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

import django

django.setup()

from ci_results.models import Origin  # noqa: E402
from ci_results.parsing import kcidb, xunit  # noqa: E402
from ci_results.services import runs  # noqa: E402
from ci_results.stats import fix_verdict  # noqa: E402

OOPS = ("[ 4713.103512] BUG: kernel NULL pointer dereference, address: 0000000000000036\n"
        "[ 4713.105523] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
        "[ 4713.108094] RIP: 0010:filemap_get_folios_tag+0xa9/0x200\n"
        "[ 4713.112361] Call Trace:\n"
        + "".join(f"[ 4713.1{i:05d}]  frame_{i}+0x17d/0x310\n" for i in range(40)))


def xunit_report(n: int) -> bytes:
    cases = []
    for i in range(n):
        body = ""
        if i % 10 == 0:
            body = (f'<failure message="_check_dmesg: something found" type="TestFail"/>'
                    f"<kernel-log><![CDATA[\n{OOPS}]]></kernel-log>")
        cases.append(f'<testcase classname="xfstests.xfs_4k" name="generic/{i:03d}" '
                     f'time="3">{body}</testcase>')
    return (f'<testsuite name="xfstests" hostname="bench" tests="{n}" failures="{n // 10}" '
            f'time="{3 * n}" start_timestamp="2024-04-30T09:45:12+00:00" '
            f'timestamp="2024-04-30T10:45:12+00:00"><properties>'
            f'<property name="SECTION" value="xfs_4k"/><property name="KERNEL" '
            f'value="6.9.0-rc6"/></properties>{"".join(cases)}</testsuite>').encode()


def kcidb_submission(n: int, origin: str) -> bytes:
    tests = [{"id": f"{origin}:t{i}", "build_id": f"{origin}:b", "origin": origin,
              "path": f"fstests.generic.{i:03d}", "status": "FAIL" if i % 10 == 0 else "PASS",
              "start_time": "2024-04-30T09:45:12+00:00", "duration": 3} for i in range(n)]
    return json.dumps({
        "version": {"major": 5, "minor": 3},
        "checkouts": [{"id": f"{origin}:c", "origin": origin, "tree_name": "linux-next",
                       "git_commit_hash": "bb7a2467e6beef44a80a17d45ebf2931e7631083"}],
        "builds": [{"id": f"{origin}:b", "checkout_id": f"{origin}:c", "origin": origin,
                    "architecture": "x86_64", "config_name": "xfs_4k"}],
        "tests": tests,
    }).encode()


def timed(label: str, n: int, func):
    start = time.perf_counter()
    result = func()
    took = time.perf_counter() - start
    print(f"{label:<34} {took * 1000:9.1f} ms  {n / took:10.0f} per s")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tests", type=int, default=2000)
    ap.add_argument("--kcidb-corpus", type=Path)
    args = ap.parse_args(argv)
    n = args.tests
    name = f"bench_{uuid.uuid4().hex[:8]}"
    origin = Origin.objects.create(name=name)
    xml = xunit_report(n)
    print(f"xunit report: {n} testcases, {len(xml) / 1e6:.1f} MB")
    report = timed("xunit parse", n, lambda: xunit.parse_xunit(xml))
    payloads = timed("xunit run payloads", n, lambda: xunit.find_runs(report))
    result = timed("xunit runs_record", n,
                   lambda: runs.runs_record(origin=origin, payloads=payloads))
    again = timed("xunit runs_record again", n,
                  lambda: runs.runs_record(origin=origin, payloads=payloads))
    print(f"  first: {result.status}, again: {again.status}")
    body = kcidb_submission(n, name)
    data = timed("kcidb parse + validate", n, lambda: kcidb.parse_kcidb(body))
    found = timed("kcidb run payloads", n, lambda: kcidb.find_runs(data))
    timed("kcidb runs_record", n,
          lambda: runs.runs_record(origin=origin, payloads=list(found.runs)))
    if args.kcidb_corpus:
        good = kcidb.parse_kcidb((args.kcidb_corpus / "kcidb-test_db-comprehensive.json")
                                 .read_bytes())
        print(f"corpus example accepted: {len(kcidb.find_runs(good).runs)} run(s)")
        try:
            kcidb.parse_kcidb((args.kcidb_corpus / "submitter-guide-required-fields.json")
                              .read_bytes())
            print("corpus negative example ACCEPTED (wrong)")
        except kcidb.KcidbSchemaError as exc:
            print(f"corpus negative example rejected: {list(exc.errors)}")
    timed("fix_verdict 100k vs 100k runs", 1,
          lambda: fix_verdict(300, 100_000, 250, 100_000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
