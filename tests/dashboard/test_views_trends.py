import json

import pytest

from tests.dashboard import pages_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _logs(settings, tmp_path):
    settings.CONSOLE_LOG_DIR = tmp_path / "logs"


def figures(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="figures" type="application/json">') + len(
        '<script id="figures" type="application/json">')
    return json.loads(html[start:html.index("</script>", start)])


def test_it_embeds_three_figures_and_loads_plotly_locally(client):
    pages_data.dataset(3)
    response = client.get("/trends/")
    html = response.content.decode()
    assert '<script src="/static/plotly/plotly.min.js"></script>' in html
    assert "cdn" not in html.lower()
    figs = figures(response)
    assert set(figs) == {"over-time", "across-kernels", "runs-per-day"}
    names = [t["name"] for t in figs["over-time"]["data"] if t["meta"]["role"] == "rate"]
    assert names == ["xfs-16k-lbs", "xfs-4k"]
    outcomes = [t["name"] for t in figs["runs-per-day"]["data"]]
    assert outcomes == ["pass", "crash", "error", "skip"]
    assert sum(sum(t["y"]) for t in figs["runs-per-day"]["data"]) == 60


def test_it_orders_kernels_by_version_across_kernels(client):
    pages_data.dataset(2)
    response = client.get("/trends/")
    html, figs = response.content.decode(), figures(response)
    rate = [t for t in figs["across-kernels"]["data"]
            if t["meta"] == {"role": "rate", "series": "xfs-16k-lbs"}][0]
    assert rate["x"] == ["v6.9-rc5", "v6.9-rc6", "v6.9-rc6 + split fix"]
    assert figs["across-kernels"]["layout"]["xaxis"]["type"] == "category"
    # The same figures as a table, for reading without JavaScript.
    assert ("<tr><td>xfs-16k-lbs</td><td>v6.9-rc5</td><td>50.0% [21.5%–78.5%]</td>"
            '<td class="num">8</td></tr>') in html


def test_it_marks_first_bad_and_last_good_when_intervals_separate(client):
    # 40 clean runs on rc5, then 30 of 40 failing on rc6: the intervals separate.
    payloads = [pages_data.payload(f"rc5-{i}", "rc5", "xfs-4k", "pass", pages_data.START)
                for i in range(40)]
    payloads += [pages_data.payload(f"rc6-{i}", "rc6", "xfs-4k",
                                    "hang" if i % 4 else "pass", pages_data.START)
                 for i in range(40)]
    pages_data.record(payloads)
    response = client.get("/trends/")
    b = response.context["trends"].boundaries
    assert [(x.series, x.last_good, x.first_bad) for x in b] == [
        ("xfs-4k", "v6.9-rc5", "v6.9-rc6")]
    shapes = figures(response)["across-kernels"]["layout"]["shapes"]
    assert [s["x0"] for s in shapes] == ["v6.9-rc5", "v6.9-rc6"]


def test_it_says_no_boundary_can_be_claimed_with_overlapping_intervals(client):
    pages_data.dataset(1)
    html = client.get("/trends/").content.decode()
    assert "no first-bad / last-good can be claimed" in html


def test_it_filters_by_config(client):
    pages_data.dataset(1)
    from ci_results.models import Config

    xfs4k = Config.objects.get(name="xfs-4k")
    figs = figures(client.get("/trends/", {"config": xfs4k.pk}))
    assert {t["meta"]["series"] for t in figs["over-time"]["data"]} == {"xfs-4k"}


def test_it_says_so_without_runs(client):
    html = client.get("/trends/").content.decode()
    assert "No runs recorded yet." in html
    assert "plotly.min.js" not in html
