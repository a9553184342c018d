"""Build and send digests for many subscribers; print digests/s and SQL queries per digest.

    .venv/bin/python bench/digests.py [--subscribers 5000] [--messages 600] [--runs 3000]

Uses a fresh SQLite file in a temporary directory unless DATABASE_URL is set (then that
database must be empty or disposable: the bench migrates it and adds data). Mail goes to
Django's in-memory backend, so SMTP latency is not measured. The data is generated through
the project's services (thread ingest, run recording), the subscribers in bulk.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.mkdtemp(prefix="kbd-bench-digests-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
    os.environ.pop("CELERY_BROKER_URL", None)  # parse tasks in-process
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEBUG = False
    call_command("migrate", verbosity=0)


def make_threads(messages: int, since: datetime) -> list[int]:
    from threads.parsing.types import Address, ParsedMessage
    from threads.services.ingest import message_ingest

    rng = random.Random(7)
    thread_ids: set[int] = set()
    roots: list[str] = []
    for i in range(messages):
        if i % 12 == 0:
            msgid, parent = f"bench-root-{i}@example.org", None
            subject = f"[PATCH v2 0/5] mm: bench series {i}"
            roots.append(msgid)
        else:
            parent = rng.choice(roots)
            msgid, subject = f"bench-{i}@example.org", "Re: [PATCH v2 0/5] mm: bench series"
        parsed = ParsedMessage(
            message_id=msgid, subject=subject,
            author=Address(f"Dev {i % 40}", f"dev{i % 40}@example.org"),
            date=since + timedelta(minutes=i), in_reply_to=parent,
            references=(parent,) if parent else (),
            body=f"> quoted line\n\nA new line of review number {i}.\nReviewed-by: Dev {i % 40} "
                 f"<dev{i % 40}@example.org>\n",
        )
        thread_ids.add(message_ingest(parsed=parsed, source="file").message.thread_id)
    return sorted(thread_ids)


def make_runs(runs: int, now: datetime) -> None:
    from ci_results.models import Origin
    from ci_results.services.runs import runs_record

    origin, _ = Origin.objects.get_or_create(name="bench")
    rng = random.Random(11)
    kernels = [{"tree": "mainline", "version": f"6.9.0-rc{n}", "tag": f"v6.9-rc{n}"}
               for n in (4, 5, 6)]
    configs = ["xfs-4k", "xfs-16k-lbs", "ext4-4k", "btrfs-4k"]
    payloads = []
    for i in range(runs):
        recent = i >= runs // 2  # the second half lands inside the digest window
        kernel = rng.choice(kernels)
        config = rng.choice(configs)
        crash_p = 0.4 if recent and config == "xfs-16k-lbs" else 0.02
        outcome = "crash" if rng.random() < crash_p else "pass"
        started = now - (timedelta(minutes=rng.randint(1, 50)) if recent
                         else timedelta(days=rng.randint(2, 9)))
        payloads.append({"run_id": f"bench-{i}", "kernel": kernel, "config": {"name": config},
                         "reproducer": {"name": "split-huge-pages-dd-loop"}, "outcome": outcome,
                         "started_at": started.isoformat()})
    for start in range(0, len(payloads), 500):
        runs_record(origin=origin, payloads=payloads[start:start + 500])


def make_subscribers(count: int, thread_ids: list[int], covered: datetime) -> None:
    from ci_results.models import Config
    from dashboard.models import Subscription

    rng = random.Random(5)
    subs = Subscription.objects.bulk_create([
        Subscription(email=f"sub{i}@example.org", everything=(i % 3 == 0), period="daily",
                     confirmed_at=covered, covered_until=covered)
        for i in range(count)
    ])
    configs = list(Config.objects.values_list("pk", flat=True))
    ThreadLink = Subscription.threads.through
    ConfigLink = Subscription.configs.through
    ThreadLink.objects.bulk_create([
        ThreadLink(subscription_id=s.pk, thread_id=t)
        for s in subs if not s.everything for t in rng.sample(thread_ids, min(3, len(thread_ids)))
    ])
    ConfigLink.objects.bulk_create([
        ConfigLink(subscription_id=s.pk, config_id=rng.choice(configs))
        for s in subs if not s.everything and configs
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3000)
    args = parser.parse_args()
    setup_django()
    from django.core import mail
    from django.db import connection

    from dashboard.digests.send import digests_send

    now = datetime.now(UTC)
    covered = now - timedelta(hours=1)
    t0 = time.perf_counter()
    thread_ids = make_threads(args.messages, since=now - timedelta(minutes=args.messages + 5))
    make_runs(args.runs, now)
    make_subscribers(args.subscribers, thread_ids, covered)
    print(f"data: {args.messages} messages in {len(thread_ids)} threads, {args.runs} runs, "
          f"{args.subscribers} subscribers ({time.perf_counter() - t0:.1f} s to build)")

    mail.outbox = []
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        summary = digests_send(period="daily", now=now)
        elapsed = time.perf_counter() - started
    handled = summary.sent + summary.empty
    print(summary)
    print(f"mails in outbox: {len(mail.outbox)}")
    print(f"SQL queries: {queries} total, {queries / max(handled, 1):.2f} per digest")
    print(f"digests/s: {handled / elapsed:.0f} ({handled} digests in {elapsed:.2f} s)")


if __name__ == "__main__":
    main()
