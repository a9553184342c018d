"""New logs parsed a chunk at a time: the wakeup a post publishes, the drain a worker runs."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from ci_results.models import CrashReport, CrashSignature, Origin, ParseWakeup, Run
from ci_results.models.runs import UNPARSED_LOG
from ci_results.services import newlogs
from ci_results.services.runs import runs_record
from tests.ci_results.helpers_runs import FIXTURES, crash_log, run_payload
from tests.conftest import require_service

SEED_TITLE = "BUG: unable to handle kernel NULL pointer dereference in filemap_get_folios_tag"
WARNING_LOG = (FIXTURES.parent / "crash" / "0004-warning-panic-on-warn.txt").read_text()


def store(origin: Origin, n: int, *, log: str | None = None, first: int = 0) -> list[int]:
    """``n`` runs stored (not parsed: the commit that would parse them never comes in a
    ``django_db`` test), a minute apart, oldest first; their ids."""
    payloads = [run_payload(run_id=f"run-{first + i}", outcome="crash",
                            started_at=f"2024-04-10T10:{first + i:02d}:00Z",
                            console_log=crash_log() if log is None else log)
                for i in range(n)]
    return runs_record(origin=origin, payloads=payloads).created_ids


@pytest.fixture
def origin(db, log_dir) -> Origin:
    return Origin.objects.create(name="kdevops")


def test_a_drain_parses_the_oldest_chunk_and_says_a_whole_chunk_was_taken(origin):
    pks = store(origin, 3)
    no_log = runs_record(origin=origin, payloads=[run_payload(run_id="no-log")]).created_ids
    seen_when_full: list[int] = []

    def on_full() -> None:  # called before parsing: another drain may start beside
        seen_when_full.append(Run.objects.filter(parsed_at__isnull=False).count())

    assert newlogs.newlogs_parse(limit=2, on_full=on_full) == newlogs.Drained(2, 2, True)
    assert seen_when_full == [0]
    assert set(Run.objects.filter(parsed_at__isnull=False).values_list("pk", flat=True)) == set(
        pks[:2])
    assert newlogs.newlogs_parse(limit=2, on_full=on_full) == newlogs.Drained(1, 1, False)
    assert newlogs.newlogs_parse(limit=2) == newlogs.Drained(0, 0, False)
    assert seen_when_full == [0]
    assert Run.objects.get(pk=no_log[0]).parsed_at is None  # nothing to parse, never claimed
    assert sorted(CrashReport.objects.values_list("run_id", flat=True)) == pks
    assert set(CrashReport.objects.values_list("title", flat=True)) == {SEED_TITLE}


def test_a_drain_counts_reports_per_signature_as_one_parse_at_a_time_would(origin):
    seed = store(origin, 3)
    warning = store(origin, 1, log=WARNING_LOG, first=3)
    newlogs.newlogs_parse()
    sig = CrashSignature.objects.get(title=SEED_TITLE)
    reports = list(CrashReport.objects.filter(run_id__in=seed).order_by("pk"))
    assert sig.report_count == 3
    assert sig.representative_id == reports[0].pk
    assert (sig.first_seen, sig.last_seen) == (
        Run.objects.get(pk=seed[0]).started_at, Run.objects.get(pk=seed[2]).started_at)
    other = CrashReport.objects.get(run_id=warning[0]).signature
    assert other != sig and other.report_count == 1
    # A later drain adds to the counters; first seen stays the oldest.
    more = store(origin, 1, first=5)
    newlogs.newlogs_parse()
    sig.refresh_from_db()
    assert sig.report_count == 4
    assert sig.last_seen == Run.objects.get(pk=more[0]).started_at
    assert sig.first_seen == Run.objects.get(pk=seed[0]).started_at
    assert sig.representative_id == reports[0].pk


def test_big_logs_make_smaller_chunks_and_one_run_at_least(origin, monkeypatch):
    pks = store(origin, 5)
    size = Run.objects.get(pk=pks[0]).log_size
    assert size and size > 1000
    monkeypatch.setattr(newlogs, "CHUNK_BYTES", size * 2 + size // 2)  # two logs fit
    fulls: list[int] = []
    assert newlogs.newlogs_parse(on_full=lambda: fulls.append(1)) == newlogs.Drained(2, 2, True)
    assert fulls == [1]  # more runs wait: another drain may start beside this one
    assert newlogs.newlogs_parse() == newlogs.Drained(2, 2, True)
    assert newlogs.newlogs_parse() == newlogs.Drained(1, 1, False)
    assert sorted(CrashReport.objects.values_list("run_id", flat=True)) == pks
    # A log bigger than the whole budget still makes a chunk of its own.
    more = store(origin, 2, first=5)
    monkeypatch.setattr(newlogs, "CHUNK_BYTES", 10)
    assert newlogs.newlogs_parse() == newlogs.Drained(1, 1, True)
    assert Run.objects.get(pk=more[0]).parsed_at is not None
    assert Run.objects.get(pk=more[1]).parsed_at is None


def test_given_runs_with_big_logs_are_all_parsed_a_chunk_at_a_time(origin, monkeypatch):
    pks = store(origin, 5)
    monkeypatch.setattr(newlogs, "CHUNK_BYTES", 10)
    assert newlogs.newlogs_parse(pks=pks, limit=3) == newlogs.Drained(5, 5, False)
    assert not Run.objects.filter(parsed_at__isnull=True).exists()


def test_given_runs_are_parsed_exactly_and_a_parsed_one_not_again(origin):
    pks = store(origin, 3)
    assert newlogs.newlogs_parse(pks=[pks[1]]) == newlogs.Drained(1, 1, False)
    assert list(CrashReport.objects.values_list("run_id", flat=True)) == [pks[1]]
    assert newlogs.newlogs_parse(pks=pks, limit=1).runs == 2  # pks[1] was parsed already
    assert CrashReport.objects.filter(run_id=pks[1]).count() == 1
    assert CrashSignature.objects.get().report_count == 3


def test_an_unreadable_log_is_logged_and_does_not_stop_the_runs_after_it(origin, caplog):
    pks = store(origin, 2)
    Run.objects.filter(pk=pks[0]).update(log_path="ab/missing.log.gz")
    with caplog.at_level(logging.ERROR, logger="ci_results.services.newlogs"):
        assert newlogs.newlogs_parse() == newlogs.Drained(2, 1, False)
    assert f"run {pks[0]}: cannot parse its log ab/missing.log.gz" in caplog.text
    assert Run.objects.get(pk=pks[0]).parsed_at is not None  # not claimed by every drain
    assert list(CrashReport.objects.values_list("run_id", flat=True)) == [pks[1]]


def test_a_wakeup_is_published_once_until_the_drain_starts_or_it_goes_stale(db):
    assert newlogs.newlogs_wakeup() is True
    assert newlogs.newlogs_wakeup() is False  # a drain is queued: no second message
    assert newlogs.newlogs_wakeup() is False
    newlogs.newlogs_parse()  # the drain starts: later commits need a new one
    assert not ParseWakeup.objects.exists()
    assert newlogs.newlogs_wakeup() is True
    # A drain requested long ago never started: its message was lost.
    ParseWakeup.objects.update(
        requested_at=timezone.now() - newlogs.WAKEUP_STALE - timedelta(seconds=1))
    assert newlogs.newlogs_wakeup() is True
    assert newlogs.newlogs_wakeup() is False
    assert ParseWakeup.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_drains_take_different_runs_and_parse_each_once(log_dir):
    require_service("PostgreSQL", connection.vendor == "postgresql",
                    "concurrent drains need SKIP LOCKED row locks across connections")
    origin = Origin.objects.create(name="kdevops")
    pks = store(origin, 24)
    # Committed, these were parsed inline at once: forget that, as if no drain had come yet.
    CrashReport.objects.all().delete()
    CrashSignature.objects.all().delete()
    Run.objects.update(parsed_at=None)
    barrier = threading.Barrier(3)
    done: list[list[newlogs.Drained]] = [[], [], []]
    errors: list[BaseException] = []

    def drain(i: int) -> None:
        try:
            barrier.wait()
            while (step := newlogs.newlogs_parse(limit=3)).runs:
                done[i].append(step)
        except BaseException as exc:  # asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert sum(step.runs for steps in done for step in steps) == 24
    assert sorted(CrashReport.objects.values_list("run_id", flat=True)) == sorted(pks)
    assert CrashSignature.objects.get().report_count == 24
    assert not Run.objects.filter(parsed_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_runs_left_out_of_a_chunk_for_its_size_are_free_for_another_drain(log_dir, monkeypatch):
    require_service("PostgreSQL", connection.vendor == "postgresql",
                    "row locks released by a savepoint rollback need PostgreSQL")
    origin = Origin.objects.create(name="kdevops")
    pks = store(origin, 4)
    Run.objects.update(parsed_at=None)  # committed, they were parsed inline: undo that
    CrashReport.objects.all().delete()
    CrashSignature.objects.all().delete()
    size = Run.objects.get(pk=pks[0]).log_size
    monkeypatch.setattr(newlogs, "CHUNK_BYTES", size)  # one log per chunk
    seen: list[list[int]] = []

    def other_drain() -> None:  # another connection, while the first drain holds its chunk
        try:
            with transaction.atomic():
                seen.append(list(Run.objects.filter(UNPARSED_LOG).select_for_update(
                    skip_locked=True).order_by("pk").values_list("pk", flat=True)))
        finally:
            connections.close_all()

    def on_full() -> None:
        t = threading.Thread(target=other_drain)
        t.start()
        t.join(30)

    assert newlogs.newlogs_parse(on_full=on_full) == newlogs.Drained(1, 1, True)
    assert seen == [pks[1:]]  # the first run is locked; the three after it are not
