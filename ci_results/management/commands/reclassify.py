"""Re-parse stored console logs with the current parser and move reports between signatures."""

from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from ci_results.services.crashtexts import crash_texts_classify
from ci_results.services.reclassify import runs_reclassify


class Command(BaseCommand):
    help = ("Re-parse stored run logs (--all, --since DATE, or only never-parsed runs by "
            "default); each move of a report to another signature is recorded. Crash text "
            "from mails and gists is re-parsed with --all (else only never-parsed texts).")

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--all", action="store_true", help="every run with a log")
        group.add_argument("--since", help="runs received since (ISO date or date-time, UTC)")
        parser.add_argument("--note", default="manage.py reclassify",
                            help="recorded with every move (e.g. the parser version)")

    def handle(self, *args, all: bool, since: str | None, note: str, **options) -> None:
        when = None
        if since:
            try:
                when = datetime.fromisoformat(since)
            except ValueError:
                raise CommandError(f"--since: not an ISO date: {since!r}") from None
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
        try:
            summary = runs_reclassify(since=when, only_unparsed=not all and when is None,
                                      note=note, progress=self.stdout.write)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"re-parsed {summary.runs} run(s); {summary.moved} report(s) moved; "
                          f"{summary.failed} log(s) unreadable")
        # Crash text from mails and gists too: every one with --all, else those never parsed.
        texts = crash_texts_classify(reclassify=all, note=note, progress=self.stdout.write)
        self.stdout.write(f"re-parsed {texts.texts} crash text(s) from mail and gists; "
                          f"{texts.moved} report(s) moved")
