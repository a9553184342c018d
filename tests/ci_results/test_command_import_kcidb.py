"""manage.py import_kcidb: KCIDB fixtures recorded through the runs service."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ci_results.models import Run

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kcidb"


def run(name: str) -> str:
    out = StringIO()
    call_command("import_kcidb", str(next(FIXTURES.glob(f"{name}-*.json"))), stdout=out)
    return out.getvalue()


def test_it_imports_finished_tests_under_their_origin(log_dir):
    out = run("0001")
    assert "7 runs: 7 created, 0 unchanged, 2 ignored" in out
    assert "ignored kdevops:xfs_reflink_4k-generic-750-1: no status yet" in out
    crash = Run.objects.select_related("origin", "kernel").get(
        run_id="kdevops:xfs_reflink_4k-generic-447-1")
    assert (crash.origin.name, crash.outcome) == ("kdevops", "crash")
    assert crash.kernel.patches == [
        {"kind": "series", "ref": "20240425113746.335530-1-kernel@pankajraghav.com"}]
    assert "7 runs: 0 created, 7 unchanged" in run("0001")
    assert Run.objects.count() == 7


def test_it_refuses_an_invalid_submission(log_dir):
    with pytest.raises(CommandError, match="5 was expected"):
        run("0002")
    assert Run.objects.count() == 0
