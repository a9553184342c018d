from io import StringIO

import pytest
from django.core.management import call_command

from dashboard.tasks import send_digests
from tests.dashboard.digest_data import ingest_mail, subscriber


@pytest.mark.django_db
def test_it_sends_from_cron_and_the_task_then_sends_nothing_twice(smtp_sink):
    subscriber(period="weekly")
    ingest_mail("cron@nvidia.com", subject="Re: [PATCH] mm: cron", body="words\n")
    out = StringIO()

    call_command("send_digests", "--period", "weekly", stdout=out)
    task_summary = send_digests.delay(period="weekly").get(timeout=10)

    assert "1 sent" in out.getvalue()
    assert "0 sent, 0 with nothing new, 0 failed" in task_summary
    assert len(smtp_sink.messages()) == 1
