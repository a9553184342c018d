"""Classify crash text pasted in mails and gists into crash signatures (cron's beat entry)."""

from django.core.management.base import BaseCommand

from ci_results.services.crashtexts import crash_texts_classify


class Command(BaseCommand):
    help = ("Parse crash text found in mails and gists into crash reports and signatures: "
            "the texts not classified yet, or with --all every one again (moves recorded).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="re-parse classified texts too")
        parser.add_argument("--note", default="manage.py classify_crash_texts",
                            help="recorded with every move on --all")

    def handle(self, *args, all: bool, note: str, **options) -> None:
        summary = crash_texts_classify(reclassify=all, note=note, progress=self.stdout.write)
        self.stdout.write(f"classified {summary.texts} crash text(s): {summary.reports} "
                          f"report(s), {summary.quoted} quoted (linked, not counted), "
                          f"{summary.no_crash} without a crash, {summary.moved} moved")
