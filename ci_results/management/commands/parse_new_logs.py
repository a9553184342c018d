"""Parse the console logs of runs never parsed: cron's twin of beat's parse-new-logs drain."""

from django.core.management.base import BaseCommand

from ci_results.services.newlogs import CHUNK, newlogs_parse


class Command(BaseCommand):
    help = ("Parse the console logs of runs never parsed, a chunk at a time, until none is "
            "left (what the drain tasks do after ingest; for cron, or a worker that was down).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--chunk", type=int, default=CHUNK, help="runs per transaction")

    def handle(self, *args, chunk: int, **options) -> None:
        runs = reports = 0
        while (done := newlogs_parse(limit=max(1, chunk))).runs:
            runs, reports = runs + done.runs, reports + done.reports
            if options["verbosity"] > 1:
                self.stdout.write(f"{runs} logs parsed so far")
        self.stdout.write(f"{runs} logs parsed, {reports} crash reports")
