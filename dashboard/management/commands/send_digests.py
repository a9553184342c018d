"""Send the digests of a period, for cron instead of Celery beat (same service)."""

from django.core.management.base import BaseCommand

from dashboard.digests.send import digests_send


class Command(BaseCommand):
    help = "Send this period's digest to every confirmed subscriber who has not had it yet."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", choices=["daily", "weekly"], default="daily")

    def handle(self, *args, period: str, **options) -> None:
        summary = digests_send(period=period)
        self.stdout.write(str(summary))
        for error in summary.errors:
            self.stderr.write(error)
