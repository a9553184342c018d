"""Delete stored console logs that no run refers to (left by rejected uploads)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from ci_results.services.logs import PRUNE_AFTER, logs_prune


class Command(BaseCommand):
    help = ("Delete stored console logs no run refers to (rejected uploads, interrupted "
            "ones), once untouched for --hours (default 24).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--hours", type=float, default=PRUNE_AFTER.total_seconds() / 3600)

    def handle(self, *args, hours: float, **options) -> None:
        if hours < 1:
            raise CommandError("--hours must be at least 1: younger logs may be in flight")
        summary = logs_prune(older_than=timedelta(hours=hours))
        self.stdout.write(f"deleted {summary.deleted} log file(s), {summary.freed} bytes; "
                          f"{summary.kept} kept")
