"""Load the demo data: the seed thread with its gists and commit, and synthetic runs.

Demo data is labelled as such (a demo flag on threads, the ``demo`` origin on runs) and is
never mixed into real data; ``--remove`` deletes it again.
"""

from django.core.management.base import BaseCommand

from dashboard import demo


class Command(BaseCommand):
    help = "Load (or with --remove, delete) the labelled demo data built around the seed case."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--remove", action="store_true", help="delete the demo data")

    def handle(self, *args, remove: bool = False, **options) -> None:
        if remove:
            for line in demo.demo_remove():
                self.stdout.write(line)
            return
        for line in demo.demo_load():
            self.stdout.write(line)
