"""``manage.py import_kcidb submission.json``: one run per finished KCIDB test.

Runs are recorded under each test's KCIDB origin (created if new) through ``runs.runs_record``,
the same service as ``POST /api/v1/kcidb``; all of the file or nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from pydantic import ValidationError

from ci_results.models import Origin
from ci_results.parsing import kcidb
from ci_results.services import runs


class Command(BaseCommand):
    help = "Import a KCIDB v5 JSON submission as runs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        try:
            found = kcidb.find_runs(kcidb.parse_kcidb(path.read_bytes()))
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None
        except (kcidb.KcidbError, kcidb.KcidbSchemaError) as exc:
            raise CommandError(f"{path}: {exc}") from None
        by_origin: dict[str, list[dict]] = {}
        for payload in found.runs:
            by_origin.setdefault(payload["origin"], []).append(payload)
        statuses: list[str] = []
        try:
            with transaction.atomic():
                for name, payloads in by_origin.items():
                    origin, _ = Origin.objects.get_or_create(name=name)
                    result = runs.runs_record(origin=origin, payloads=payloads)
                    if result.status == "conflict":
                        raise CommandError(f"{path}: nothing stored; a run of {name} was "
                                           "stored before with other content")
                    statuses += [r.status for r in result.results]
        except ValidationError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for test_id, reason in found.ignored:
            self.stdout.write(f"ignored {test_id}: {reason}")
        self.stdout.write(f"{path}: {len(statuses)} runs: {statuses.count('created')} created, "
                          f"{statuses.count('unchanged')} unchanged, "
                          f"{len(found.ignored)} ignored")
