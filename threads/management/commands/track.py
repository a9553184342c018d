"""``manage.py track URL_OR_MSGID``: start following a thread (the form does the same)."""

from django.core.management.base import BaseCommand, CommandError

from threads.services.tracking import TrackError, thread_track


class Command(BaseCommand):
    help = "Track a thread given a lore URL, an lkml.iu.edu URL or a Message-ID."

    def add_arguments(self, parser) -> None:
        parser.add_argument("target", nargs="+", help="lore URL, lkml.iu.edu URL or Message-ID")

    def handle(self, *args, **options) -> None:
        failed = 0
        for target in options["target"]:
            try:
                thread = thread_track(url_or_msgid=target)
            except TrackError as exc:
                failed += 1
                self.stderr.write(f"{target}: {exc}")
                continue
            problems = thread.sources.exclude(last_error="")
            self.stdout.write(
                f"thread {thread.pk}: {thread.subject} ({thread.messages.count()} messages, "
                f"{thread.sources.count()} sources, {problems.count()} failing)"
            )
            for source in problems:
                self.stdout.write(f"  {source.kind} {source.key}: {source.last_error}")
        if failed:
            raise CommandError(f"{failed} of {len(options['target'])} could not be tracked")
