"""manage.py reclassify: re-parse stored logs, move reports, record what changed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from ci_results.models import CrashReport, Origin, ReclassifyEvent, Run
from ci_results.parsing.types import CrashReport as Parsed
from ci_results.parsing.types import LogAnalysis
from ci_results.services.reports import run_store_reports
from ci_results.services.runs import runs_record
from tests.ci_results.helpers_runs import crash_log, run_payload

pytestmark = pytest.mark.django_db
SEED_TITLE = "BUG: unable to handle kernel NULL pointer dereference in filemap_get_folios_tag"


def test_it_moves_reports_whose_title_changed_and_records_it(log_dir):
    origin = Origin.objects.create(name="kdevops")
    # Stored while an older parser was in place: its report got another title.
    runs_record(origin=origin, payloads=[run_payload(outcome="crash", console_log=crash_log())])
    run = Run.objects.get()
    run_store_reports(run=run, analysis=LogAnalysis(contains_crash=True, reports=(
        Parsed(title="BUG: kernel NULL pointer dereference", crash_type="BUG"),)))
    out = StringIO()
    call_command("reclassify", "--all", "--note", "parser 2", stdout=out)
    assert "1 report(s) moved" in out.getvalue()
    assert CrashReport.objects.get().title == SEED_TITLE
    event = ReclassifyEvent.objects.get()
    assert (event.old_title, event.new_title, event.note) == (
        "BUG: kernel NULL pointer dereference", SEED_TITLE, "parser 2")
    assert event.old_signature.report_count == 0
    call_command("reclassify", "--since", "2000-01-01", stdout=out)
    assert ReclassifyEvent.objects.count() == 1  # nothing changed the second time


def test_it_parses_only_unparsed_runs_by_default(log_dir):
    origin = Origin.objects.create(name="kdevops")
    runs_record(origin=origin, payloads=[run_payload(outcome="crash", console_log=crash_log())])
    out = StringIO()
    call_command("reclassify", stdout=out)  # on_commit did not run in this test transaction
    assert "re-parsed 1 run(s)" in out.getvalue()
    assert CrashReport.objects.get().title == SEED_TITLE
    call_command("reclassify", stdout=out)
    assert "re-parsed 0 run(s)" in out.getvalue()
