"""Stored logs nobody refers to (rejected uploads) are deleted once old; others stay."""

import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command

from ci_results.models import Run
from ci_results.services.logs import PRUNE_AFTER, log_store_text, logs_prune
from ci_results.services.runs import runs_record
from ci_results.services.tokens import token_create
from tests.ci_results.helpers_runs import crash_log, run_payload

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def age(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_it_deletes_the_log_of_a_rejected_upload_and_keeps_those_of_runs(log_dir):
    origin = token_create(origin_name="kdevops").token.origin
    runs_record(origin=origin, payloads=[run_payload(run_id="a", console_log=crash_log())])
    stored = log_dir / Run.objects.get().log_path
    # The same run id with other content and its own log: a conflict, nothing recorded...
    result = runs_record(origin=origin, payloads=[
        run_payload(run_id="a", outcome="hang", console_log="other log\n")])
    assert result.status == "conflict"
    orphan = log_dir / log_store_text(text="other log\n").path
    assert orphan.exists()  # ...but the log was written before the conflict was known
    half_written = log_dir / ".incoming-abc123"
    half_written.write_bytes(b"\x1f\x8b")
    for path in (stored, orphan, half_written):
        age(path, 2 * DAY)
    summary = logs_prune()
    assert not orphan.exists() and not half_written.exists()
    assert stored.exists()  # run "a" refers to it
    assert (summary.deleted, summary.kept) == (2, 1) and summary.freed > 0


def test_it_leaves_recent_logs_alone_they_may_belong_to_a_request_in_flight(log_dir):
    young = log_dir / log_store_text(text="being posted\n").path
    age(young, PRUNE_AFTER.total_seconds() - 3600)
    assert logs_prune().deleted == 0 and young.exists()


def test_storing_a_log_again_makes_it_recent(log_dir):
    # A new upload of an old orphan's content reuses its file: it must not be pruned
    # between the upload and the commit of the run that refers to it.
    path = log_dir / log_store_text(text="same content\n").path
    age(path, 2 * DAY)
    log_store_text(text="same content\n")
    assert logs_prune().deleted == 0 and path.exists()


def test_the_command_prunes_and_refuses_a_too_short_age(log_dir, capsys):
    orphan = log_dir / log_store_text(text="orphan\n").path
    age(orphan, 3 * 3600)
    call_command("prune_logs", "--hours", "2")
    assert not orphan.exists()
    assert "deleted 1 log file(s)" in capsys.readouterr().out
    with pytest.raises(Exception, match="at least 1"):
        call_command("prune_logs", "--hours", "0.5")


def test_an_absent_log_directory_is_nothing_to_prune(settings, tmp_path):
    settings.CONSOLE_LOG_DIR = tmp_path / "never-created"
    summary = logs_prune(older_than=timedelta(hours=1))
    assert (summary.deleted, summary.kept) == (0, 0)
