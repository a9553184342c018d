"""Rollups: what ingest keeps equals a recount from the runs."""

from __future__ import annotations

import pytest

from ci_results.models import Origin, Rollup
from ci_results.services.rollups import rollup_rebuild
from ci_results.services.runs import runs_record
from tests.ci_results.helpers_runs import run_payload


def rows() -> list[tuple]:
    return sorted(Rollup.objects.values_list("day", "kernel_id", "config_id", "reproducer_id",
                                             "runs", "passes", "crashes", "hangs", "errors",
                                             "skips"))


@pytest.mark.django_db
def test_it_keeps_per_day_counts_that_a_recount_confirms(log_dir):
    origin = Origin.objects.create(name="kdevops")
    outcomes = ["pass", "crash", "hang", "error", "skip", "pass", "crash"]
    runs_record(origin=origin, payloads=[
        run_payload(run_id=f"r{i}", outcome=o, started_at=f"2024-04-{28 + i % 3}T23:30:00-02:00")
        for i, o in enumerate(outcomes)
    ])
    kept = rows()
    # -02:00 moves 23:30 local to the next UTC day: days are UTC days.
    assert [str(r[0]) for r in kept] == ["2024-04-29", "2024-04-30", "2024-05-01"]
    assert sum(r[4] for r in kept) == 7
    assert rollup_rebuild() == 3
    assert rows() == kept
