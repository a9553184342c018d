import pytest

from ci_results.models import Config, Kernel
from tests.dashboard import pages_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data(settings, tmp_path):
    settings.CONSOLE_LOG_DIR = tmp_path / "logs"
    pages_data.dataset(2)


def cell(response, kernel_tag, config):
    kernel = Kernel.objects.get(tag=kernel_tag, patches=[])
    config = Config.objects.get(name=config)
    return response.context["matrix"].cells[(kernel.pk, config.pk)]


def test_it_shows_each_cell_with_its_rate_interval_and_runs(client):
    response = client.get("/matrix/")
    assert response.status_code == 200
    c = cell(response, "v6.9-rc5", "xfs-16k-lbs")
    # 2 crashes + 2 passes per round; the error run is infrastructure, not a result.
    assert (c.counts.runs, c.counts.failures, c.counts.errors) == (8, 4, 2)
    html = response.content.decode()
    assert "50.0% [21.5–78.5]" in html
    assert "8 runs" in html and "(+2 infra)" in html


def test_it_shows_only_an_upper_bound_without_failures(client):
    response = client.get("/matrix/")
    c = cell(response, "v6.9-rc6", "xfs-4k")
    assert c.rate.upper_bound_only
    assert "&lt; 32.4%" in response.content.decode()  # 0 of 8: Wilson upper bound


def test_it_links_each_cell_to_its_runs(client):
    response = client.get("/matrix/")
    c = cell(response, "v6.9-rc6", "xfs-4k")
    assert f"/runs/?kernel={c.kernel.pk}&amp;config={c.config.pk}" in response.content.decode()


def test_it_sorts_rows_and_columns(client):
    by_rate = client.get("/matrix/", {"rows": "-rate", "cols": "-runs"}).context["matrix"]
    rates = [line.rate.rate for line in by_rate.rows]
    assert rates == sorted(rates, reverse=True)
    by_name = client.get("/matrix/", {"rows": "name"}).context["matrix"]
    assert [r.item.display_name for r in by_name.rows] == [
        "v6.9-rc5", "v6.9-rc6", "v6.9-rc6 + split fix"]
    reverse = client.get("/matrix/", {"rows": "-name"}).context["matrix"]
    assert [r.item.pk for r in reverse.rows] == [r.item.pk for r in by_name.rows][::-1]


def test_it_filters_by_reproducer_and_keeps_it_in_the_links(client):
    pages_data.record([{**pages_data.payload("other-1", "rc5", "xfs-4k", "pass",
                                             pages_data.START),
                        "reproducer": {"name": "fsx-long"}}])
    from ci_results.models import Reproducer

    fsx = Reproducer.objects.get(name="fsx-long")
    response = client.get("/matrix/", {"reproducer": fsx.pk})
    assert len(response.context["matrix"].cells) == 1
    assert f"&amp;reproducer={fsx.pk}" in response.content.decode()
    everything = client.get("/matrix/").context["matrix"]
    assert len(everything.cells) == 5


def test_it_ignores_a_bad_sort(client):
    assert client.get("/matrix/", {"rows": "drop table"}).status_code == 200


def test_it_counts_the_last_90_days_unless_asked_for_all(client):
    old = pages_data.START.replace(year=2023)
    pages_data.record([pages_data.payload("old-1", "rc5", "xfs-4k", "crash", old)])
    response = client.get("/matrix/")
    assert len(response.context["matrix"].cells) == 4
    html = response.content.decode()
    assert "Runs from 2024-01-04 to 2024-04-02 (UTC)." in html
    assert "&amp;since=2024-01-04" in html  # the runs behind a cell are those of the window
    everything = client.get("/matrix/", {"days": "all"}).context["matrix"]
    assert len(everything.cells) == 5


def test_it_lists_only_the_windows_runs_behind_a_cell(client):
    old = pages_data.START.replace(year=2023)
    pages_data.record([pages_data.payload("old-1", "rc5", "xfs-16k-lbs", "pass", old)])
    kernel = Kernel.objects.get(tag="v6.9-rc5")
    config = Config.objects.get(name="xfs-16k-lbs")
    query = {"kernel": kernel.pk, "config": config.pk}
    assert len(client.get("/runs/", query).context["page"].runs) == 11
    assert len(client.get("/runs/", {**query, "since": "2024-01-04"}).context["page"].runs) == 10
