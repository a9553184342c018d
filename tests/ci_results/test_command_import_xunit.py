"""manage.py import_xunit: the xunit fixtures recorded through the runs service."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ci_results.models import Rollup, Run

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "xunit"
REPORT = next(FIXTURES.glob("0001-*.xml"))


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_xunit", *args, stdout=out)
    return out.getvalue()


def test_it_imports_one_run_per_testcase(log_dir):
    out = run(str(REPORT), "--origin", "kdevops", "--tree", "linux-next")
    assert out.endswith("7 runs: 7 created, 0 unchanged, 0 conflict\n")
    stored = Run.objects.select_related("origin", "kernel", "config", "reproducer")
    assert {r.origin.name for r in stored} == {"kdevops"}
    assert {(r.kernel.tree, r.kernel.version) for r in stored} == {("linux-next", "6.9.0-rc6")}
    assert {r.config.name for r in stored} == {"xfs_reflink_4k"}
    crash = stored.get(reproducer__name="generic/447")
    assert (crash.outcome, crash.duration_s, crash.host) == (
        "crash", 1801.0, "debian12-xfs-reflink-4k")
    assert crash.log_path
    assert sorted(stored.values_list("outcome", flat=True)) == [
        "crash", "crash", "hang", "pass", "pass", "skip", "skip"]
    assert sum(Rollup.objects.values_list("runs", flat=True)) == 7


def test_it_changes_nothing_on_a_second_import(log_dir):
    run(str(REPORT), "--origin", "kdevops")
    out = run(str(REPORT), "--origin", "kdevops")
    assert out.endswith("7 runs: 0 created, 7 unchanged, 0 conflict\n")
    assert Run.objects.count() == 7


def test_it_refuses_the_same_file_with_another_kernel_and_stores_nothing(log_dir):
    run(str(REPORT), "--origin", "kdevops")
    with pytest.raises(CommandError, match="nothing stored"):
        run(str(REPORT), "--origin", "kdevops", "--kernel", "6.9.0-rc7")
    assert set(Run.objects.values_list("kernel__version", flat=True)) == {"6.9.0-rc6"}


def test_it_reports_a_bad_file_without_storing_anything(log_dir):
    with pytest.raises(CommandError, match="DOCTYPE"):
        run(str(next(FIXTURES.glob("0003-*.xml"))), "--origin", "kdevops")
    with pytest.raises(CommandError, match=r"testcase\[0\].name"):
        run(str(next(FIXTURES.glob("0004-*.xml"))), "--origin", "kdevops")
    with pytest.raises(CommandError, match="cannot read"):
        run(str(FIXTURES / "missing.xml"), "--origin", "kdevops")
    assert Run.objects.count() == 0
