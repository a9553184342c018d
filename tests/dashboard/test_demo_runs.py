"""The synthetic demo runs: the seed's story, idempotent, removable, never mixed with real data."""

from __future__ import annotations

import pytest

from ci_results.models import CrashSignature, Kernel, Origin, Rollup, Run
from ci_results.selectors import rates_summary
from dashboard.demo import runs as demo_runs

SEED_TITLE = "BUG: unable to handle kernel NULL pointer dereference in filemap_get_folios_tag"


@pytest.mark.django_db
def test_it_loads_the_seed_story_once_and_removes_it(settings, tmp_path,
                                                     django_capture_on_commit_callbacks):
    settings.CONSOLE_LOG_DIR = tmp_path / "logs"
    with django_capture_on_commit_callbacks(execute=True):
        first = demo_runs.load()
    assert "created" in first[0]
    assert Run.objects.filter(origin__name="demo").count() == 376
    rows = {(r.kernel, r.config): r for r in rates_summary()}
    lbs = rows[("v6.9-rc6 (demo)", "xfs-16k-lbs")]
    fixed = rows[("v6.9-rc6 + migrate.c dirty-folio fix (demo)", "xfs-16k-lbs")]
    assert lbs.estimate.low > 0.1
    assert fixed.crashes == 0 and fixed.kernel_results >= 25
    assert rows[("v6.9-rc6 (demo)", "ext4-4k")].crashes == 0
    fix_kernel = Kernel.objects.get(label__contains="fix")
    assert fix_kernel.base.label == "v6.9-rc6 (demo)"
    assert CrashSignature.objects.get(title=SEED_TITLE).report_count == Run.objects.filter(
        outcome="crash").count()
    assert demo_runs.load()[0].startswith("runs: synthetic demo runs: 0 created")
    demo_runs.remove()
    assert not Run.objects.exists() and not Rollup.objects.exists()
    assert not Origin.objects.filter(name="demo").exists()
    assert not CrashSignature.objects.exists()
