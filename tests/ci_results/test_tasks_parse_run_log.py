"""A run posted -> parse task on a real Celery worker through the broker -> CrashReport."""

from __future__ import annotations

import time

import pytest

from ci_results.models import CrashReport, Origin, Run
from ci_results.services.runs import runs_record
from ci_results.tasks import parse_run_log
from tests.ci_results.helpers_runs import crash_log, run_payload

SEED_TITLE = "BUG: unable to handle kernel NULL pointer dereference in filemap_get_folios_tag"


@pytest.mark.django_db
def test_it_parses_a_stored_log_in_process(log_dir, django_capture_on_commit_callbacks):
    origin = Origin.objects.create(name="kdevops")
    with django_capture_on_commit_callbacks(execute=True):
        runs_record(origin=origin,
                    payloads=[run_payload(outcome="crash", console_log=crash_log())])
    run = Run.objects.get()
    assert run.parsed_at is not None  # no broker: the task ran inline after commit
    report = CrashReport.objects.get(run=run)
    assert (report.title, report.kernel_version, report.workqueue) == (
        SEED_TITLE, "6.9.0-rc6", "writeback wb_workfn")
    assert parse_run_log(run.pk) == 1  # parsing again changes nothing
    assert CrashReport.objects.count() == 1
    assert report.signature.report_count == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_parses_the_log_on_a_real_worker(celery_broker):
    # The worker is another process started with the same environment, so it reads logs
    # from the same CONSOLE_LOG_DIR (content-addressed files: sharing it is harmless).
    origin = Origin.objects.create(name="kdevops")
    result = runs_record(origin=origin,
                         payloads=[run_payload(outcome="crash", console_log=crash_log())])
    run_pk = result.created_ids[0]
    deadline = time.monotonic() + 30
    while not CrashReport.objects.filter(run_id=run_pk).exists():
        assert time.monotonic() < deadline, celery_broker["log"].read_text()[-3000:]
        time.sleep(0.2)
    assert CrashReport.objects.get(run_id=run_pk).title == SEED_TITLE
    assert Run.objects.get(pk=run_pk).parsed_at is not None
