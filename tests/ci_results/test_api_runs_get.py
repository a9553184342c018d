"""GET /api/v1/runs (filters, cursor pages), /runs/<id>, /signatures and /summary."""

from __future__ import annotations

import pytest

from ci_results.models import Origin, Run
from ci_results.parsing.types import CrashReport as Parsed
from ci_results.parsing.types import LogAnalysis
from ci_results.services.reports import run_store_reports
from ci_results.services.runs import runs_record
from tests.ci_results.helpers_runs import run_payload

TITLE = "BUG: unable to handle kernel NULL pointer dereference in filemap_get_folios_tag"


@pytest.fixture
def runs(db, log_dir) -> list[Run]:
    origin = Origin.objects.create(name="kdevops")
    ext4 = {**run_payload()["config"], "name": "ext4-4k", "filesystem": "ext4",
            "min_folio_order": None, "block_size": 4096}
    payloads = [run_payload(run_id=f"x{i}", outcome="crash" if i % 3 == 0 else "pass",
                            started_at=f"2024-04-{20 + i % 10}T08:00:00Z") for i in range(12)]
    payloads += [run_payload(run_id=f"e{i}", config=ext4) for i in range(4)]
    runs_record(origin=origin, payloads=payloads)
    crashed = Run.objects.filter(outcome="crash").first()
    run_store_reports(run=crashed, analysis=LogAnalysis(
        contains_crash=True, reports=(Parsed(title=TITLE, crash_type="NULL-POINTER-DEREFERENCE"),)))
    return list(Run.objects.all())


def test_it_lists_runs_in_cursor_pages(client, runs):
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/runs", {"limit": 5, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        body = page.json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(r.pk for r in runs)
    assert len(seen) == len(set(seen)) == 16


def test_it_filters_runs(client, runs):
    def ids(**query) -> int:
        return len(client.get("/api/v1/runs", query).json()["items"])

    assert ids(config="ext4-4k") == 4
    assert ids(outcome="crash") == 4
    assert ids(reproducer="split-huge-pages-dd-loop", config="xfs-16k-lbs") == 12
    assert ids(since="2024-04-29T00:00:00Z") == 5
    kernel = runs[0].kernel_id
    assert ids(kernel=kernel) == 16
    sig = client.get("/api/v1/signatures").json()["items"][0]
    assert ids(signature=sig["id"]) == 1
    assert client.get("/api/v1/runs", {"outcome": "exploded"}).status_code == 422
    assert client.get("/api/v1/runs", {"cursor": "abc"}).status_code == 422


def test_it_shows_one_run_with_its_crash_reports(client, runs):
    crashed = Run.objects.filter(crash_reports__isnull=False).get()
    body = client.get(f"/api/v1/runs/{crashed.pk}").json()
    assert body["kernel"]["version"] == "6.9.0-rc6"
    assert body["crash_reports"][0]["title"] == TITLE
    assert body["synthetic"] is False
    assert client.get("/api/v1/runs/999999").status_code == 404


def test_it_lists_signatures(client, runs):
    body = client.get("/api/v1/signatures", {"status": "open"}).json()
    assert [(s["title"], s["report_count"]) for s in body["items"]] == [(TITLE, 1)]
    assert client.get("/api/v1/signatures", {"status": "fixed"}).json()["items"] == []


def test_it_summarises_crash_rates_with_intervals(client, runs):
    rows = {r["config"]: r for r in client.get("/api/v1/summary").json()["rows"]}
    xfs = rows["xfs-16k-lbs"]
    assert (xfs["runs"], xfs["crashes"], xfs["kernel_results"]) == (12, 4, 12)
    assert xfs["rate"] == pytest.approx(4 / 12)
    assert xfs["low"] < xfs["rate"] < xfs["high"]
    ext4 = rows["ext4-4k"]
    assert (ext4["rate"], ext4["low"]) == (0.0, 0.0)
    assert 0.4 < ext4["high"] < 0.6  # Wilson upper bound for 0 of 4
    late = client.get("/api/v1/summary", {"since": "2024-04-29"}).json()["rows"]
    assert sum(r["runs"] for r in late) == 5
