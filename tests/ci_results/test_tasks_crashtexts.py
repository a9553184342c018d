"""ci_results/tasks.py classify_crash_texts: in-process without a broker, and in a real worker
fed by threads' seam when an ingest commits."""

import time

import pytest

from ci_results.models import CrashReport
from ci_results.tasks import classify_crash_texts
from threads.models import CrashText
from threads.parsing.hypermail import parse_hypermail_text
from threads.services.ingest import message_ingest

SEED_TITLE = "BUG: unable to handle kernel NULL pointer dereference in filemap_get_folios_tag"


@pytest.mark.django_db
def test_it_classifies_in_process_without_a_broker(seed_text):
    message = message_ingest(parsed=parse_hypermail_text(seed_text), source="lkml").message
    text = CrashText.objects.get(message=message)
    assert classify_crash_texts.delay([text.pk]).get(timeout=10) == (
        "1 crash texts classified, 1 reports")
    assert classify_crash_texts.delay().get(timeout=10) == "0 crash texts classified, 0 reports"
    assert CrashText.objects.get(pk=text.pk).title == SEED_TITLE


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_classifies_in_a_worker_once_the_ingest_commits(seed_text, celery_broker):
    message = message_ingest(parsed=parse_hypermail_text(seed_text), source="lkml").message
    deadline = time.monotonic() + 30
    while not CrashReport.objects.filter(crash_text__message=message).exists():
        assert time.monotonic() < deadline, "the worker did not classify the seed's crash text"
        time.sleep(0.2)
    assert CrashText.objects.get(message=message).title == SEED_TITLE
