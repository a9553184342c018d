"""The plain-text status report of the seed thread, built from the real services."""

from datetime import UTC, datetime, timedelta

import pytest

from ci_results.models import Origin
from ci_results.services.runs import runs_record
from threads.models import Thread
from threads.parsing.hypermail import parse_hypermail_text
from threads.services.ingest import message_ingest

BASE = {"tree": "mainline", "version": "6.9.0-rc6", "tag": "v6.9-rc6"}
FIXED = {**BASE, "patches": [{"kind": "commit", "ref": "e77a2a4fd6d9aa7e2641d5ea456ad0522c1e8a04"}]}


def crash_log(seed_text: str) -> str:
    start = seed_text.index("Apr 30 10:38:04 debian12-xfs-reflink-4k kernel: BUG:")
    end = seed_text.index("</TASK>", start) + len("</TASK>")
    return seed_text[start:end] + "\n"


def post_runs(kernel: dict, outcomes: list[str], log: str, prefix: str) -> None:
    origin, _ = Origin.objects.get_or_create(name="report-ci")
    start = datetime(2024, 4, 30, 10, 0, tzinfo=UTC)
    runs_record(origin=origin, payloads=[
        {"run_id": f"{prefix}-{i}", "kernel": kernel,
         "config": {"name": "xfs-reflink-4k", "filesystem": "xfs", "block_size": 4096},
         "reproducer": {"name": "split-huge-pages-dd-loop"}, "outcome": outcome,
         "started_at": (start + timedelta(minutes=i)).isoformat(),
         "console_log": log if outcome == "crash" else "clean boot\n"}
        for i, outcome in enumerate(outcomes)
    ])


@pytest.mark.django_db
def test_it_summarises_the_seed_thread_as_a_list_reply(client, seed_text,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # crash text classified on commit
        message_ingest(parsed=parse_hypermail_text(seed_text), source="lkml")
    log = crash_log(seed_text)
    with django_capture_on_commit_callbacks(execute=True):
        post_runs(BASE, ["crash"] * 12 + ["pass"] * 28, log, "base")
    with django_capture_on_commit_callbacks(execute=True):
        post_runs(FIXED, ["pass"] * 60, log, "fix")
    thread = Thread.objects.get(messages__subject__contains="minimum folio order",
                                messages__is_placeholder=False)

    response = client.get(f"/threads/{thread.pk}/status-report/?format=text")

    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert text.startswith("On Tue, Apr 30, 2024 at 19:27:25 UTC, Luis Chamberlain wrote:\n> ")
    flat = " ".join(text.split())  # the report wraps at 72 columns
    assert ("Crash: BUG: unable to handle kernel NULL pointer dereference in "
            "filemap_get_folios_tag") in flat
    assert "12/40 runs failed: 30.0% (95% CI" in text
    assert "0/60 runs failed" in text
    assert "Is it fixed?" in text and ": fixed" in text
    assert "https://github.com/linux-kdevops/linux/commit/e77a2a4f" in text
    assert "Series: mm: do not split a folio if it has minimum folio order requirement" in flat
    assert "v4 [5/11]" in flat
    for line in text.splitlines():
        assert len(line) <= 72 or "http" in line, line


@pytest.mark.django_db
def test_it_shows_the_report_with_a_copy_button(client, seed_text):
    message_ingest(parsed=parse_hypermail_text(seed_text), source="lkml")
    thread = Thread.objects.filter(messages__is_placeholder=False).first()
    html = client.get(f"/threads/{thread.pk}/status-report/").content.decode()
    assert 'id="copy-report"' in html and "Luis Chamberlain wrote:" in html
