"""``manage.py import_xunit result.xml --origin kdevops [--kernel 6.9.0-rc6] [--tree linux]``.

One run per testcase, the section as config, recorded through ``runs.runs_record`` (the same
service as ``POST /api/v1/xunit``); importing the same file again changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from pydantic import ValidationError

from ci_results.models import Origin
from ci_results.parsing import xunit
from ci_results.services import runs


class Command(BaseCommand):
    help = "Import an fstests xunit report (result.xml) as runs of one origin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--origin", required=True, help="the CI that ran it (created if new)")
        parser.add_argument("--kernel", default="", help="kernel version (default: KERNEL)")
        parser.add_argument("--tree", default="unknown", help="kernel tree, e.g. linux-next")
        parser.add_argument("--commit", default="", help="kernel commit SHA")

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        try:
            report = xunit.parse_xunit(path.read_bytes())
            payloads = xunit.find_runs(report, tree=str(options["tree"]),
                                       kernel=str(options["kernel"]),
                                       commit=str(options["commit"]))
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None
        except (xunit.XunitError, xunit.XunitSchemaError) as exc:
            raise CommandError(f"{path}: {exc}") from None
        origin, _ = Origin.objects.get_or_create(name=str(options["origin"]))
        try:
            result = runs.runs_record(origin=origin, payloads=payloads)
        except ValidationError as exc:
            raise CommandError(f"{path}: {exc}") from None
        counts = {s: sum(r.status == s for r in result.results)
                  for s in ("created", "unchanged", "conflict")}
        summary = ", ".join(f"{n} {s}" for s, n in counts.items())
        if result.status == "conflict":
            raise CommandError(f"{path}: nothing stored; {summary} (a run id was stored "
                               "before with other content)")
        self.stdout.write(f"{path}: {len(payloads)} runs: {summary}")
