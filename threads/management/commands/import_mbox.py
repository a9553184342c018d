"""``manage.py import_mbox FILE|DIR [--source NAME]``: mbox files into threads, streamed.

A malformed mail is reported and skipped; the import never aborts on one.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from threads.models import Message
from threads.services.ingest import IngestSummary, messages_ingest_mbox


class Command(BaseCommand):
    help = "Import mbox files (a file, or every file of a directory) into threads."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="an mbox file, or a directory of them")
        parser.add_argument(
            "--source", default="file", choices=sorted(s.value for s in Message.Source),
            help="where the mails came from (default: file)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, path: str, source: str, no_progress: bool, **options) -> None:
        files = _mbox_files(Path(path))
        totals = IngestSummary()
        for file in files:
            summary = self._import(file, source, quiet=no_progress)
            totals.new += summary.new
            totals.duplicate += summary.duplicate
            totals.replaced += summary.replaced
            totals.failed.extend(summary.failed)
            for failure in summary.failed:
                self.stderr.write(
                    f"{file}: message #{failure.position} {failure.msgid or '(no Message-ID)'} "
                    f"skipped: {failure.reason}"
                )
        self.stdout.write(
            f"{len(files)} file(s): {totals.new} new, {totals.duplicate} duplicate, "
            f"{totals.replaced} replaced placeholders, {len(totals.failed)} failed"
        )

    def _import(self, file: Path, source: str, *, quiet: bool) -> IngestSummary:
        bar = tqdm(desc=file.name, unit=" msg", disable=quiet, file=self.stderr._out)

        def progress(summary: IngestSummary) -> None:
            bar.update(summary.total - bar.n)
            bar.set_postfix(new=summary.new, dup=summary.duplicate, failed=len(summary.failed),
                            refresh=False)

        with file.open("rb") as stream:
            summary = messages_ingest_mbox(stream=stream, source=source, progress=progress)
        bar.close()
        return summary


def _mbox_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    raise CommandError(f"{path} is neither a file nor a directory")
