"""runs_record: idempotency, all-or-nothing batches, dimensions, rollups, concurrency."""

from __future__ import annotations

import gzip
import io
import threading

import pytest
from django.db import connection, connections

from ci_results.models import Config, Kernel, Origin, Reproducer, Rollup, Run
from ci_results.services.runs import OriginMismatch, runs_record
from tests.ci_results.helpers_runs import crash_log, run_payload
from tests.conftest import require_service


@pytest.fixture
def origin(db):
    return Origin.objects.create(name="kdevops")


def test_it_records_a_run_with_its_kernel_config_reproducer_and_rollup(origin, log_dir):
    result = runs_record(origin=origin, payloads=[run_payload()])
    assert result.http_status == 201
    run = Run.objects.select_related("kernel", "config", "reproducer").get()
    assert (run.kernel.version, run.config.block_size, run.reproducer.name) == (
        "6.9.0-rc6", 16384, "split-huge-pages-dd-loop")
    assert result.results[0].id == run.pk
    rollup = Rollup.objects.get()
    assert (str(rollup.day), rollup.runs, rollup.passes, rollup.crashes) == (
        "2024-04-30", 1, 1, 0)


def test_it_answers_unchanged_for_the_same_content_however_the_log_came(origin, log_dir):
    log = crash_log()
    first = runs_record(origin=origin, payloads=[run_payload(outcome="crash", console_log=log)])
    assert first.status == "created"
    again = runs_record(origin=origin, payloads=[run_payload(outcome="crash")],
                        logs_gz={"kdevops-xfs-16k-0001": io.BytesIO(gzip.compress(log.encode()))})
    assert again.status == "unchanged"
    assert again.http_status == 200
    assert again.results[0].id == first.results[0].id
    other_log = runs_record(origin=origin,
                            payloads=[run_payload(outcome="crash", console_log=log + "more")])
    assert other_log.status == "conflict"
    assert Rollup.objects.get().runs == 1


def test_it_writes_nothing_when_one_run_of_a_batch_conflicts(origin, log_dir):
    runs_record(origin=origin, payloads=[run_payload(run_id="r1")])
    result = runs_record(origin=origin, payloads=[
        run_payload(run_id="r2"), run_payload(run_id="r1", duration_s=1.0),
        run_payload(run_id="r3", kernel={**run_payload()["kernel"], "version": "6.10.0"}),
    ])
    assert result.http_status == 409
    assert [r.status for r in result.results] == ["rejected", "conflict", "rejected"]
    assert list(Run.objects.values_list("run_id", flat=True)) == ["r1"]
    assert Kernel.objects.count() == 1
    assert Rollup.objects.get().runs == 1


def test_it_stores_a_run_repeated_in_one_batch_once(origin, log_dir):
    result = runs_record(origin=origin, payloads=[run_payload(), run_payload()])
    assert [r.status for r in result.results] == ["created", "unchanged"]
    assert result.results[0].id == result.results[1].id
    assert Run.objects.count() == 1
    clash = runs_record(origin=origin, payloads=[run_payload(run_id="x"),
                                                 run_payload(run_id="x", outcome="hang")])
    assert clash.status == "conflict"


def test_it_stores_a_batch_as_it_stores_the_same_runs_one_by_one(origin, log_dir):
    # A batch goes in as one JSON document on PostgreSQL, a single run as one row of
    # values: every column must come out the same, empty values and JSON included.
    def variants(prefix: str) -> list[dict]:
        return [
            run_payload(run_id=f"{prefix}-log", outcome="crash", console_log=crash_log()),
            run_payload(run_id=f"{prefix}-bare", duration_s=None, iterations=None, host="",
                        vm={}),
            run_payload(run_id=f"{prefix}-json", vm={"qemu": "8.2", "nested": [1, "two"]},
                        started_at="2024-05-01T23:59:59.5+02:00"),
        ]

    batch = runs_record(origin=origin, payloads=variants("b"))
    assert [r.status for r in batch.results] == ["created"] * 3
    for payload in variants("s"):
        assert runs_record(origin=origin, payloads=[payload]).status == "created"
    skip = {"id", "run_id", "received_at", "content_hash"}

    def stored(prefix: str) -> list[dict]:
        return [{k: v for k, v in row.items() if k not in skip} for row in
                Run.objects.filter(run_id__startswith=prefix + "-").order_by("run_id").values()]

    assert stored("b") == stored("s")
    assert [r["vm"] for r in stored("b")] == [{}, {"qemu": "8.2", "nested": [1, "two"]},
                                              {"qemu": "8.2", "memory_gb": 8, "cpus": 4}]
    assert Rollup.objects.filter(day="2024-05-01").get().runs == 2


def test_it_keeps_run_ids_apart_per_origin(origin, log_dir):
    other = Origin.objects.create(name="lkft")
    assert runs_record(origin=origin, payloads=[run_payload()]).status == "created"
    assert runs_record(origin=other, payloads=[run_payload(outcome="crash")]).status == "created"
    with pytest.raises(OriginMismatch):
        runs_record(origin=other, payloads=[run_payload(run_id="n", origin="kdevops")])
    assert Run.objects.count() == 2


def test_it_finds_kernels_by_a_normalised_identity_and_links_the_base(origin, log_dir):
    kernel = run_payload()["kernel"]
    patched = {**kernel, "patches": [{"kind": "series", "ref": "<20240430-fix@kernel.org>"}]}
    runs_record(origin=origin, payloads=[run_payload(run_id="p1", kernel=patched)])
    same = {**kernel, "commit": kernel["commit"].upper(),
            "patches": [{"kind": "series", "ref": "20240430-fix@kernel.org"}]}
    runs_record(origin=origin, payloads=[run_payload(run_id="p2", kernel=same)])
    assert Kernel.objects.count() == 1
    runs_record(origin=origin, payloads=[run_payload(run_id="b1")])
    base = Kernel.objects.get(patches=[])
    assert Kernel.objects.exclude(pk=base.pk).get().base == base


def test_it_counts_error_and_skip_apart_from_kernel_results(origin, log_dir):
    runs_record(origin=origin, payloads=[
        run_payload(run_id=str(i), outcome=o)
        for i, o in enumerate(["pass", "crash", "crash", "hang", "error", "skip"])
    ])
    rollup = Rollup.objects.get()
    assert (rollup.runs, rollup.passes, rollup.crashes, rollup.hangs, rollup.errors,
            rollup.skips) == (6, 1, 2, 1, 1, 1)
    assert rollup.kernel_results == 4
    assert (Config.objects.count(), Reproducer.objects.count()) == (1, 1)


def _require_postgres() -> None:
    # SQLite's shared-cache in-memory test database locks whole tables (SQLITE_LOCKED, which
    # no busy timeout retries); the SQLite file default is covered by bench/ingest_http.py.
    require_service("PostgreSQL", connection.vendor == "postgresql",
                    "concurrent ingest is tested on PostgreSQL (DATABASE_URL=postgres://...)")


def _in_threads(count: int, work) -> list:
    """Run work(i) in `count` threads released at once; each uses its own DB connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # collected and asserted on by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_it_stores_a_run_once_when_retries_arrive_at_the_same_time(log_dir):
    _require_postgres()
    origin = Origin.objects.create(name="kdevops")
    results = _in_threads(8, lambda i: runs_record(origin=origin, payloads=[run_payload()]))
    statuses = sorted(r.status if not isinstance(r, Exception) else repr(r) for r in results)
    assert statuses == ["created"] + ["unchanged"] * 7, (connection.vendor, statuses)
    assert len({r.results[0].id for r in results}) == 1
    assert Run.objects.count() == 1
    assert Rollup.objects.get().runs == 1


@pytest.mark.django_db(transaction=True)
def test_it_keeps_rollups_exact_under_concurrent_ingest(log_dir):
    _require_postgres()
    origin = Origin.objects.create(name="kdevops")
    outcomes = ["pass", "crash", "hang", "pass", "error"]

    def work(i: int) -> list:
        done = []
        for j in range(10):
            batch = [run_payload(run_id=f"t{i}-{j}-{k}", outcome=outcomes[(i + j + k) % 5])
                     for k in range(3)]
            # every second request is retried: a client that did not see the answer
            done.append(runs_record(origin=origin, payloads=batch).status)
            if j % 2:
                done.append(runs_record(origin=origin, payloads=batch).status)
        return done

    results = _in_threads(6, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Run.objects.count() == 6 * 10 * 3
    rollup = Rollup.objects.get()
    assert rollup.runs == 180
    for outcome, column in [("pass", "passes"), ("crash", "crashes"), ("hang", "hangs"),
                            ("error", "errors")]:
        assert getattr(rollup, column) == Run.objects.filter(outcome=outcome).count()
