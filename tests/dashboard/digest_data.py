"""Data for digest tests, made through the real services (thread ingest, run recording)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from ci_results.models import Origin
from ci_results.services.runs import runs_record
from dashboard.models import Subscription
from threads.parsing.types import Address, ParsedMessage
from threads.services.ingest import message_ingest

ROOT_ID = "20240425113740.123-1-kernel@pankajraghav.com"


def ingest_mail(msgid: str, *, subject: str, body: str, author: str = "Zi Yan",
                address: str = "ziy@nvidia.com", in_reply_to: str | None = None,
                date: datetime | None = None):
    parsed = ParsedMessage(
        message_id=msgid, subject=subject, author=Address(author, address),
        date=date or datetime(2024, 4, 30, 2, 43, 16, tzinfo=UTC), body=body,
        in_reply_to=in_reply_to, references=(in_reply_to,) if in_reply_to else (),
    )
    return message_ingest(parsed=parsed, source="file")


def subscriber(email: str = "maintainer@example.org", *, everything: bool = True,
               covered_until: datetime | None = None, period: str = "daily") -> Subscription:
    moment = covered_until or timezone.now() - timedelta(hours=1)
    return Subscription.objects.create(
        email=email, everything=everything, period=period, confirmed_at=moment,
        covered_until=moment,
    )


def record_runs(*, kernel: dict, config: str, outcomes: list[str], day: datetime,
                prefix: str, log: str | None = None) -> None:
    origin, _ = Origin.objects.get_or_create(name="digest-ci")
    payloads = [
        {
            "run_id": f"{prefix}-{i}", "kernel": kernel,
            "config": {"name": config, "filesystem": "xfs", "block_size": 4096},
            "reproducer": {"name": "split-huge-pages-dd-loop"}, "outcome": outcome,
            "started_at": (day + timedelta(minutes=i)).isoformat(),
            "console_log": log if outcome == "crash" else None,
        }
        for i, outcome in enumerate(outcomes)
    ]
    result = runs_record(origin=origin, payloads=payloads)
    assert result.status != "conflict"
