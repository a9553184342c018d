"""``manage.py refresh``: refresh tracked threads that are due (cron's twin of the beat task)."""

from django.core.management.base import BaseCommand, CommandError

from threads.models import Thread
from threads.services.tracking import thread_refresh, threads_refresh_due


class Command(BaseCommand):
    help = "Refresh tracked threads whose sources are due, or the given threads now."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--thread", type=int, action="append", default=[],
                            help="refresh this thread id now, ignoring schedule and backoff")

    def handle(self, *args, **options) -> None:
        if not options["thread"]:
            summary = threads_refresh_due()
            for line in summary.lines:
                self.stdout.write(line)
            self.stdout.write(f"{summary.threads} threads refreshed, {summary.failed} sources "
                              f"failed, {summary.not_modified} not modified")
            return
        for thread_id in options["thread"]:
            thread = Thread.objects.filter(pk=thread_id).first()
            if thread is None:
                raise CommandError(f"no thread {thread_id}")
            result = thread_refresh(thread=thread, force=True)
            self.stdout.write(f"thread {thread_id}: {result.summary}")
