"""manage.py parse_new_logs: every run never parsed, a chunk at a time, until none is left."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from ci_results.models import CrashReport, Origin, Run
from ci_results.services.runs import runs_record
from tests.ci_results.helpers_runs import crash_log, run_payload

pytestmark = pytest.mark.django_db


def test_it_parses_every_waiting_log_then_finds_nothing(log_dir):
    origin = Origin.objects.create(name="kdevops")
    # Stored in this test's transaction: the commit that would parse them never comes.
    runs_record(origin=origin, payloads=[
        run_payload(run_id=f"r{i}", outcome="crash", console_log=crash_log()) for i in range(5)])
    runs_record(origin=origin, payloads=[run_payload(run_id="no-log")])
    out = StringIO()
    call_command("parse_new_logs", "--chunk", "2", "-v", "2", stdout=out)
    assert out.getvalue().splitlines() == [
        "2 logs parsed so far", "4 logs parsed so far", "5 logs parsed so far",
        "5 logs parsed, 5 crash reports"]
    assert CrashReport.objects.count() == 5
    assert Run.objects.filter(parsed_at__isnull=True).get().run_id == "no-log"
    out = StringIO()
    call_command("parse_new_logs", stdout=out)
    assert out.getvalue() == "0 logs parsed, 0 crash reports\n"
