from datetime import timedelta

import pytest

from tests.dashboard import pages_data
from threads.models import Thread

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _logs(settings, tmp_path):
    settings.CONSOLE_LOG_DIR = tmp_path / "logs"


def test_it_says_so_when_there_is_nothing_yet(client):
    html = client.get("/").content.decode()
    assert "No thread is tracked yet." in html
    assert "No open crash signature." in html
    assert "Every source refreshed fine." in html


def test_it_lists_open_signatures_with_their_latest_rate(client):
    pages_data.dataset(2)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert pages_data.SEED_TITLE in html
    # The newest report is on rc6 / xfs-16k-lbs: 3 crashes in 5 runs per round, 2 rounds.
    line = response.context["signatures"][0]
    assert line.rate.crashes == 6 and line.rate.runs == 10
    assert "v6.9-rc6 · xfs-16k-lbs · split-huge-pages-dd-loop" in html
    assert "60.0% [31.3–83.2]" in html


def test_it_lists_latest_runs_newest_first(client):
    pages_data.dataset(1)
    runs = client.get("/").context["runs"]
    assert [r.started_at for r in runs] == sorted((r.started_at for r in runs), reverse=True)
    assert len(runs) == 15


def test_it_lists_tracked_threads_with_the_newest_version_and_patch_statuses(client):
    thread = pages_data.mail("v4-5@kernel.org",
                             "[PATCH v4 05/11] mm: do not split a folio if it has minimum "
                             "folio order requirement", "the patch\n")
    pages_data.mail("v5-5@kernel.org", "[PATCH v5 05/11] mm: do not split a folio if it has "
                    "minimum folio order requirement", "the patch again\n",
                    date=pages_data.START.replace(day=20))
    Thread.objects.filter(pk=thread.pk).update(tracked=True)
    response = client.get("/")
    html = response.content.decode()
    assert f'href="/threads/{thread.pk}/"' in html
    lines = response.context["threads"]
    assert [v.version for v in lines[0].versions] == [5]
    assert ">v5</a>" in html


def test_it_escapes_thread_subjects(client):
    thread = pages_data.mail("x@kernel.org", "<script>alert(1)</script> [PATCH] mm: x", "b\n")
    Thread.objects.filter(pk=thread.pk).update(tracked=True)
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_points_the_trend_arrow_up_when_the_rate_rose_significantly(client):
    # Week before: 0 of 30 failed; last week: 15 of 30 failed, on the same cell.
    before = [pages_data.payload(f"b{i}", "rc6", "xfs-4k", "pass",
                                 pages_data.START + timedelta(days=1, minutes=i))
              for i in range(30)]
    after = [pages_data.payload(f"a{i}", "rc6", "xfs-4k", "crash" if i % 2 else "pass",
                                pages_data.START + timedelta(days=9, minutes=i))
             for i in range(30)]
    pages_data.record(before + after)
    line = client.get("/").context["signatures"][0]
    assert (line.rate.crashes, line.rate.runs) == (15, 30)
    assert line.change.direction == "up" and line.change.significant
    assert '<span class="trend-sig">↑</span>' in client.get("/").content.decode()
