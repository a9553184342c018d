"""Server time and SQL queries of every dashboard page on a large generated dataset.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kbd_bench \\
        .venv/bin/python bench/pages.py [--runs 1000000] [--signatures 2000] \\
        [--messages 50000] [--requests 30] [--reuse]

The database named by DATABASE_URL (PostgreSQL only) is migrated and EMPTIED, then loaded
with COPY (bench/pages_data.py). ``--reuse`` measures the data already there. Each page is
requested with Django's test client (no network): a few warm-up requests, then
``--requests`` timed ones; p50/p95 are of those, and the query count is of one extra request.
Prints one line per page, then ``worst p95: N ms``. Target: p95 < 150 ms on every page, and
the same query counts at any size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TABLES = [  # emptied before a load, children first
    "ci_results_signatureevent", "ci_results_reclassifyevent", "ci_results_crashreport",
    "ci_results_crashsignature", "ci_results_rollup", "ci_results_run", "ci_results_citoken",
    "ci_results_kernel", "ci_results_config", "ci_results_reproducer", "ci_results_origin",
    "threads_source", "threads_message", "threads_thread", "threads_person",
]


def setup(log_dir: Path) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL database the bench may empty")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["CONSOLE_LOG_DIR"] = str(log_dir)
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("migrate", verbosity=0)


def reset_and_load(args: argparse.Namespace, log_dir: Path) -> dict:
    from django.db import connection, transaction

    from bench import pages_data

    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in TABLES) + " CASCADE")
    with transaction.atomic():
        info = pages_data.load(runs=args.runs, signatures=args.signatures,
                               messages=args.messages, log_dir=log_dir)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    info["load_s"] = time.monotonic() - started
    return info


def page_urls() -> dict[str, str]:
    """The pages, with ids picked to be the heaviest case of each."""
    from django.db.models import Count

    from ci_results.models import CrashSignature, Kernel, Rollup, Run
    from threads.models import Thread

    biggest = CrashSignature.objects.order_by("-report_count").first()
    busiest = (Rollup.objects.values("kernel_id", "config_id").annotate(n=Count("id"))
               .order_by("-n").first())
    fix = Kernel.objects.exclude(patches=[]).order_by("-id").first()
    base = Kernel.objects.filter(tag=fix.tag, patches=[]).first()
    with_log = Run.objects.exclude(log_path="").order_by("-id").first()
    thread = Thread.objects.annotate(n=Count("messages")).order_by("-n").first()
    from dashboard.selectors.runs import RunFilter, runs_page

    cursor = runs_page(RunFilter()).next_cursor
    return {
        "overview": "/",
        "matrix": "/matrix/",
        "matrix-by-rate": "/matrix/?rows=-rate&cols=-runs&reproducer=1",
        "crashes": "/crashes/",
        "crashes-open-p3": "/crashes/?status=open&page=3",
        "crash-biggest": f"/crashes/{biggest.pk}/",
        "trends": "/trends/",
        "trends-365d": "/trends/?days=365&reproducer=1",
        "fixed": f"/fixed/?base={base.pk}&fix={fix.pk}",
        "runs": "/runs/",
        "runs-page-2": f"/runs/?after={cursor}",
        "runs-cell": f"/runs/?kernel={busiest['kernel_id']}&config={busiest['config_id']}",
        "runs-outcome": "/runs/?outcome=hang",
        "runs-signature": f"/runs/?signature={biggest.pk}",
        "run-log": f"/runs/{with_log.pk}/",
        "run-log-later": f"/runs/{with_log.pk}/?offset={(with_log.log_size or 0) // 2}",
        "search": "/search/?q=writeback",
        "search-rare": "/search/?q=zzqx",
        "feed-thread": f"/feeds/threads/{thread.pk}.atom",
        "feed-signatures": "/feeds/signatures.atom",
    }


def measure(url: str, requests: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--signatures", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="measure the data already loaded")
    parser.add_argument("--log-dir", type=Path, default=None,
                        help="where generated console logs go (default: a temporary dir)")
    args = parser.parse_args()
    log_dir = args.log_dir or Path(tempfile.gettempdir()) / "kbd-bench-pages-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    setup(log_dir)
    from ci_results.models import CrashSignature, Run
    from threads.models import Message

    if not args.reuse:
        info = reset_and_load(args, log_dir)
        print(f"loaded {info['runs']:,} runs, {info['rollups']:,} rollup rows, "
              f"{info['signatures']:,} signatures, {info['reports']:,} crash reports, "
              f"{info['messages']:,} messages in {info['load_s']:.0f} s", flush=True)
    print(f"data: {Run.objects.count():,} runs, {CrashSignature.objects.count():,} signatures, "
          f"{Message.objects.count():,} messages; {args.requests} requests per page")
    load = os.getloadavg()
    print(f"load average at start: {load[0]:.1f} (shared machine: wall times include waiting "
          "for the CPU)")
    worst = 0.0
    for name, url in page_urls().items():
        p50, p95, queries = measure(url, args.requests)
        worst = max(worst, p95)
        print(f"{name:18s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  queries {queries:3d}  {url}",
              flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print(f"worst p95: {worst:.0f} ms")


if __name__ == "__main__":
    main()
