"""Signatures: reports attached by title (alt titles merge), status history, moves on re-parse."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from ci_results.models import CrashReport, CrashSignature, Origin, ReclassifyEvent, Run
from ci_results.parsing.types import CrashReport as Parsed
from ci_results.parsing.types import KernelInfo, LogAnalysis
from ci_results.services.reports import run_store_reports, runs_store_first_reports
from ci_results.services.runs import runs_record
from ci_results.services.signatures import StatusError, signature_for, signature_set_status
from tests.ci_results.helpers_runs import run_payload
from tests.conftest import require_service

SEED_TITLE = "BUG: unable to handle kernel NULL pointer dereference in filemap_get_folios_tag"
KERNEL = KernelInfo(version="6.9.0-rc6", taint="Not tainted", workqueue="writeback wb_workfn",
                    hardware="QEMU Standard PC (Q35 + ICH9, 2009)")


def analysis(*titles: str, alt: tuple[str, ...] = ()) -> LogAnalysis:
    return LogAnalysis(
        contains_crash=bool(titles), panicked=True, kernel=KERNEL,
        reports=tuple(Parsed(title=t, crash_type="NULL-POINTER-DEREFERENCE", alt_titles=alt,
                             guilty_frame="filemap_get_folios_tag",
                             frames=("filemap_get_folios_tag", "writeback_iter"),
                             report=f"BUG: ...\x00 {t}", kernel=KERNEL) for t in titles),
    )


@pytest.fixture
def run(db, log_dir) -> Run:
    origin = Origin.objects.create(name="kdevops")
    runs_record(origin=origin, payloads=[run_payload(outcome="crash")])
    return Run.objects.get()


def test_it_attaches_reports_to_a_signature_and_counts_them(run):
    run_store_reports(run=run, analysis=analysis(SEED_TITLE))
    report = CrashReport.objects.get()
    assert (report.title, report.workqueue, report.kernel_version) == (
        SEED_TITLE, "writeback wb_workfn", "6.9.0-rc6")
    assert "\x00" not in report.report
    sig = report.signature
    assert (sig.report_count, sig.first_seen, sig.representative) == (1, run.started_at, report)
    assert sig.events.get().kind == "created"
    run.refresh_from_db()
    assert run.parsed_at is not None


def test_one_chunk_files_each_report_as_a_lookup_of_its_own_would(db, log_dir):
    # Two runs in one drain chunk with the same new title: their alternative titles name
    # two different known signatures, and each report goes to its own.
    origin = Origin.objects.create(name="kdevops")
    runs_record(origin=origin, payloads=[run_payload(run_id=f"r{i}", outcome="crash")
                                         for i in range(3)])
    runs = list(Run.objects.order_by("pk"))
    first = signature_for(title="general protection fault in filemap_get_folios_tag")
    second = signature_for(title="BUG: unable to handle kernel paging request in writeback_iter")
    stored = runs_store_first_reports(parsed=[
        (runs[0], analysis(SEED_TITLE, alt=(first.title,))),
        (runs[1], analysis(SEED_TITLE, alt=(second.title,))),
        (runs[2], analysis(SEED_TITLE, alt=(first.title,))),
    ])
    assert stored == 3
    by_run = dict(CrashReport.objects.values_list("run_id", "signature_id"))
    assert [by_run[r.pk] for r in runs] == [first.pk, second.pk, first.pk]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.report_count, second.report_count) == (2, 1)
    assert not CrashSignature.objects.filter(title=SEED_TITLE).exists()


def test_it_merges_a_report_into_a_signature_named_by_an_alt_title(run):
    old = signature_for(title="general protection fault in filemap_get_folios_tag")
    run_store_reports(run=run, analysis=analysis(SEED_TITLE, alt=(old.title,)))
    assert CrashReport.objects.get().signature == old
    assert CrashSignature.objects.count() == 1


def test_it_moves_reports_on_reparse_and_records_the_move(run):
    run_store_reports(run=run, analysis=analysis("WARNING in split_huge_page_to_list"))
    old_sig = CrashReport.objects.get().signature
    events = run_store_reports(run=run, analysis=analysis(SEED_TITLE), note="parser v2")
    report = CrashReport.objects.get()
    assert report.signature.title == SEED_TITLE
    assert [(e.old_title, e.new_title, e.note) for e in events] == [
        ("WARNING in split_huge_page_to_list", SEED_TITLE, "parser v2")]
    assert ReclassifyEvent.objects.get().report == report
    old_sig.refresh_from_db()
    assert (old_sig.report_count, old_sig.representative) == (0, None)
    assert report.signature.report_count == 1
    assert run_store_reports(run=run, analysis=analysis(SEED_TITLE)) == []
    gone = run_store_reports(run=run, analysis=analysis())
    assert [(e.old_title, e.new_title) for e in gone] == [(SEED_TITLE, "")]
    assert CrashReport.objects.count() == 0


def test_it_keeps_the_history_of_status_changes(run):
    user = get_user_model().objects.create(username="mcgrof")
    sig = signature_for(title=SEED_TITLE)
    other = signature_for(title="kernel BUG in split_huge_page_to_list_to_order")
    signature_set_status(signature=sig, status="fixed", user=user,
                         fixed_by="<20240501.fix@kernel.org>", note="migrate.c dirty check")
    signature_set_status(signature=sig, status="open", note="seen again on next-20240430")
    signature_set_status(signature=other, status="duplicate", duplicate_of=sig)
    sig.refresh_from_db()
    other.refresh_from_db()
    assert (sig.status, sig.fixed_by) == ("open", "")
    assert (other.status, other.duplicate_of) == ("duplicate", sig)
    history = [(e.kind, e.old_status, e.new_status, e.fixed_by, e.user)
               for e in sig.events.all()]
    assert history == [("created", "", "open", "", None),
                       ("status", "open", "fixed", "<20240501.fix@kernel.org>", user),
                       ("status", "fixed", "open", "", None)]


def test_it_refuses_status_changes_that_make_no_sense(run):
    sig = signature_for(title=SEED_TITLE)
    dup = signature_for(title="WARNING in folio_mark_dirty")
    with pytest.raises(StatusError):
        signature_set_status(signature=sig, status="duplicate", duplicate_of=sig)
    with pytest.raises(StatusError):
        signature_set_status(signature=sig, status="duplicate")
    with pytest.raises(StatusError):
        signature_set_status(signature=sig, status="fixed")
    with pytest.raises(StatusError):
        signature_set_status(signature=sig, status="closed")
    signature_set_status(signature=dup, status="duplicate", duplicate_of=sig)
    with pytest.raises(StatusError):  # sig -> dup -> sig would be a loop
        signature_set_status(signature=sig, status="duplicate", duplicate_of=dup)
    assert sig.events.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_stores_one_set_of_reports_when_two_parses_of_a_run_race(log_dir):
    # Two workers given the same run (a redelivered task): the first claims the run, the
    # second waits on its row lock and then finds the reports stored, as on a re-parse.
    require_service("PostgreSQL", connection.vendor == "postgresql",
                    "two parses racing need row locks across connections (DATABASE_URL)")
    origin = Origin.objects.create(name="kdevops")
    runs_record(origin=origin, payloads=[run_payload(outcome="crash")])
    run_pk = Run.objects.get().pk
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def parse(i: int) -> None:
        try:
            run = Run.objects.get(pk=run_pk)  # both see parsed_at still empty
            barrier.wait()
            results[i] = run_store_reports(run=run, analysis=analysis(SEED_TITLE))
        except Exception as exc:  # asserted on below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=parse, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == [[], []]  # neither moved anything
    report = CrashReport.objects.get()
    assert report.signature.report_count == 1
    assert Run.objects.get().parsed_at is not None
