import json
from datetime import date

import plotly.graph_objects as go

from dashboard.charts import (
    Boundary,
    DayCounts,
    RatePoint,
    RateSeries,
    rate_figure,
    runs_per_day_figure,
)

XFS_4K = RateSeries("xfs-4k", (
    RatePoint(date(2024, 4, 28), 0.30, 0.17, 0.47, 30),
    RatePoint(date(2024, 4, 29), 0.0, 0.0, 0.11, 30),
))
XFS_16K = RateSeries("xfs-16k-lbs", (RatePoint(date(2024, 4, 28), 0.5, 0.3, 0.7, 20),))


def valid(fig: dict) -> go.Figure:
    """plotly itself checks every property (raises on an unknown or malformed one)."""
    return go.Figure(fig)


def roles(fig: dict) -> list[tuple[str, str]]:
    return [(t["meta"]["series"], t["meta"]["role"]) for t in fig["data"]]


def test_it_draws_each_series_as_a_band_and_a_line():
    fig = rate_figure([XFS_4K, XFS_16K], title="Crash rate", x_title="day")
    valid(fig)
    assert roles(fig) == [
        ("xfs-4k", "band-upper"), ("xfs-4k", "band-lower"), ("xfs-4k", "rate"),
        ("xfs-16k-lbs", "band-upper"), ("xfs-16k-lbs", "band-lower"), ("xfs-16k-lbs", "rate"),
    ]
    upper, lower, rate = fig["data"][:3]
    assert upper["y"] == [47.0, 11.0]
    assert lower["fill"] == "tonexty"  # the band fills between the lower and upper bound
    assert [round(y, 6) for y in lower["y"]] == [17.0, 0.0]
    assert rate["y"] == [30.0, 0.0]
    assert rate["x"] == ["2024-04-28", "2024-04-29"]
    assert [c[2] for c in rate["customdata"]] == [30, 30]  # run counts for the hover
    assert fig["layout"]["xaxis"]["type"] == "date"


def test_it_gives_series_their_own_colour_and_band_of_the_same_hue():
    fig = rate_figure([XFS_4K, XFS_16K], title="t", x_title="day")
    assert fig["data"][2]["line"]["color"] != fig["data"][5]["line"]["color"]
    assert fig["data"][1]["fillcolor"].startswith("rgba(0,114,178,")  # #0072B2, translucent


def test_it_puts_kernels_on_a_category_axis_in_the_given_order():
    series = RateSeries("xfs-4k", (RatePoint("v6.9-rc5", 0.2, 0.1, 0.3, 40),
                                   RatePoint("v6.9-rc6", 0.1, 0.05, 0.2, 40)))
    fig = valid(rate_figure([series], title="t", x_title="kernel", categorical=True))
    assert fig.layout.xaxis.type == "category"
    assert list(fig.data[2].x) == ["v6.9-rc5", "v6.9-rc6"]


def test_it_marks_first_bad_and_last_good():
    fig = rate_figure([XFS_4K], title="t", x_title="kernel", categorical=True,
                      boundaries=[Boundary("xfs-4k", last_good="v6.8", first_bad="v6.9-rc5")])
    valid(fig)
    assert [s["x0"] for s in fig["layout"]["shapes"]] == ["v6.8", "v6.9-rc5"]
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["last good (xfs-4k)",
                                                                 "first bad (xfs-4k)"]


def test_it_stacks_runs_per_day_by_outcome_and_skips_empty_outcomes():
    days = [DayCounts(date(2024, 4, 28), {"pass": 20, "crash": 5, "error": 1}),
            DayCounts(date(2024, 4, 29), {"pass": 30})]
    fig = runs_per_day_figure(days)
    valid(fig)
    assert fig["layout"]["barmode"] == "stack"
    assert [t["name"] for t in fig["data"]] == ["pass", "crash", "error"]
    assert fig["data"][0]["y"] == [20, 30]
    assert fig["data"][1]["y"] == [5, 0]


def test_it_serialises_to_plain_json():
    fig = rate_figure([XFS_4K], title="Crash <rate>", x_title="day")
    assert json.loads(json.dumps(fig)) == fig
    # escaped for plotly (which draws "Crash <rate>"), not for the page: json_script does that
    assert fig["layout"]["title"]["text"] == "Crash &lt;rate&gt;"


def test_it_draws_an_empty_figure_without_series():
    fig = rate_figure([], title="t", x_title="day")
    assert valid(fig).data == ()


def test_it_escapes_every_text_from_data_so_plotly_draws_no_html():
    label = "v6.9-rc5 + fix <b>e77a2a4f</b> & co"
    shown = "v6.9-rc5 + fix &lt;b&gt;e77a2a4f&lt;/b&gt; &amp; co"
    series = RateSeries("xfs <i>4k</i>", (
        RatePoint("v6.9-rc4", 0.0, 0.0, 0.1, 30), RatePoint(label, 0.5, 0.3, 0.7, 20)))
    fig = rate_figure([series], title="Rate <br> by kernel", x_title="kernel <sup>1</sup>",
                      boundaries=[Boundary("xfs <i>4k</i>", "v6.9-rc4", label)],
                      categorical=True)
    valid(fig)
    texts = json.dumps([fig["layout"]["title"], fig["layout"]["xaxis"]["title"],
                        [a["text"] for a in fig["layout"]["annotations"]],
                        [(t["name"], t["x"]) for t in fig["data"]]])
    assert "<" not in texts and ">" not in texts
    assert {tuple(t["x"]) for t in fig["data"]} == {("v6.9-rc4", shown)}
    assert [t["name"] for t in fig["data"]] == [
        "xfs &lt;i&gt;4k&lt;/i&gt; 95% upper", "xfs &lt;i&gt;4k&lt;/i&gt; 95% interval",
        "xfs &lt;i&gt;4k&lt;/i&gt;"]
    # The boundary lines sit on the same (escaped) category as the trace points.
    assert [s["x0"] for s in fig["layout"]["shapes"]] == ["v6.9-rc4", shown]
    assert fig["layout"]["annotations"][1]["text"] == "first bad (xfs &lt;i&gt;4k&lt;/i&gt;)"
    assert fig["layout"]["title"]["text"] == "Rate &lt;br&gt; by kernel"
    days = runs_per_day_figure([DayCounts(date(2024, 4, 28), {"pass": 1})], title="a <b>b</b>")
    assert days["layout"]["title"]["text"] == "a &lt;b&gt;b&lt;/b&gt;"
