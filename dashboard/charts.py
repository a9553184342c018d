"""Pure chart builders: data points in, plotly figure dicts out (no ORM, no request).

The dicts are what ``plotly.graph_objects.Figure(...).to_plotly_json()`` would give, built
directly: plotly's validation costs ~30 ms a figure, a third of a page's budget (tests
validate them with ``go.Figure``). Views embed them with ``json_script``; the page draws
them with ``Plotly.newPlot``.

Plotly reads a subset of HTML in every text it draws (``<b>``, ``<a href>``, ``<br>``), so
each text that comes from data (series names, kernel labels on the axis, hover and notes) is
escaped with ``_text``: a kernel labelled "fix <b>e77a2a4f</b>" shows those characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

# One colour per series, repeated; colour-blind-safe (Okabe-Ito).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
OUTCOME_COLOURS = {"pass": "#1a7f37", "crash": "#b3261e", "hang": "#9a6700",
                   "error": "#6e7781", "skip": "#afb8c1"}
LAYOUT = {
    "margin": {"l": 55, "r": 15, "t": 40, "b": 60},
    "hovermode": "x unified",
    "legend": {"orientation": "h", "y": -0.25},
    "template": "none",  # the full default template would add ~8 KB of JSON per figure
    "autosize": True,
    "plot_bgcolor": "#ffffff",
    "paper_bgcolor": "#ffffff",
    "font": {"family": "system-ui, sans-serif", "size": 12},
}


@dataclass(frozen=True)
class RatePoint:
    """A crash rate at one x (a day or a kernel) with its 95% interval, as fractions 0..1."""

    x: date | datetime | str
    rate: float
    low: float
    high: float
    runs: int  # kernel results (pass + crash + hang) behind the rate


@dataclass(frozen=True)
class RateSeries:
    name: str  # a config name, or "config · reproducer"
    points: tuple[RatePoint, ...]


@dataclass(frozen=True)
class Boundary:
    """A first-bad / last-good pair where the intervals separate (x values of the axis)."""

    series: str
    last_good: date | datetime | str
    first_bad: date | datetime | str


@dataclass(frozen=True)
class DayCounts:
    day: date
    counts: dict[str, int]  # outcome -> runs that day


def _text(value: object) -> str:
    """Data shown as text on a chart: ``<``, ``>`` and ``&`` as entities plotly draws back."""
    return escape(str(value), quote=False)


def _x(value: date | datetime | str) -> str:
    """An x value; on a category axis it is also the tick label (escaped the same everywhere
    so traces and shapes still meet on one category)."""
    return value.isoformat() if isinstance(value, date | datetime) else _text(value)


def _hex_to_rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


Figure = dict  # {"data": [trace dicts], "layout": {...}}


def _rate_traces(series: RateSeries, colour: str) -> list[dict]:
    xs = [_x(p.x) for p in series.points]
    band, name = _hex_to_rgba(colour, 0.18), _text(series.name)
    # The band: the upper bound, then the lower bound filled up to it ("tonexty").
    upper = {
        "type": "scatter", "x": xs, "y": [p.high * 100 for p in series.points],
        "mode": "lines", "line": {"width": 0, "color": colour},
        "name": f"{name} 95% upper", "legendgroup": series.name, "showlegend": False,
        "hoverinfo": "skip", "meta": {"role": "band-upper", "series": series.name},
    }
    lower = {
        "type": "scatter", "x": xs, "y": [p.low * 100 for p in series.points],
        "mode": "lines", "line": {"width": 0, "color": colour}, "fill": "tonexty",
        "fillcolor": band, "name": f"{name} 95% interval",
        "legendgroup": series.name, "showlegend": False, "hoverinfo": "skip",
        "meta": {"role": "band-lower", "series": series.name},
    }
    rate = {
        "type": "scatter", "x": xs, "y": [p.rate * 100 for p in series.points],
        "mode": "lines+markers", "line": {"color": colour, "width": 2}, "name": name,
        "legendgroup": series.name,
        "customdata": [[p.low * 100, p.high * 100, p.runs] for p in series.points],
        "hovertemplate": "%{y:.1f}% [%{customdata[0]:.1f}–%{customdata[1]:.1f}] "
        "of %{customdata[2]} runs<extra>%{fullData.name}</extra>",
        "meta": {"role": "rate", "series": series.name},
    }
    return [upper, lower, rate]


def _boundary_shapes(boundaries: Sequence[Boundary]) -> tuple[list[dict], list[dict]]:
    shapes, notes = [], []
    for b in boundaries:
        for x, label, colour in ((b.last_good, "last good", "#1a7f37"),
                                 (b.first_bad, "first bad", "#b3261e")):
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": _x(x),
                           "x1": _x(x), "y0": 0, "y1": 1,
                           "line": {"color": colour, "dash": "dot", "width": 1.5}})
            notes.append({"x": _x(x), "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom",
                          "text": f"{label} ({_text(b.series)})", "showarrow": False,
                          "font": {"size": 10, "color": colour}})
    return shapes, notes


def rate_figure(
    series: Sequence[RateSeries], *, title: str, x_title: str,
    boundaries: Sequence[Boundary] = (), categorical: bool = False,
) -> Figure:
    """Crash rate (%) per series with its Wilson interval drawn as a band.

    ``categorical`` puts kernels on the x axis in the order given instead of a time axis.
    """
    data = [trace for i, s in enumerate(series)
            for trace in _rate_traces(s, PALETTE[i % len(PALETTE)])]
    shapes, notes = _boundary_shapes(boundaries)
    xaxis: dict = {"title": {"text": _text(x_title)}, "gridcolor": "#eef1f5"}
    if categorical:
        xaxis["type"] = "category"
    else:
        xaxis.update({"type": "date", "tickformat": "%Y-%m-%d"})
    layout = {
        **LAYOUT, "title": {"text": _text(title)}, "xaxis": xaxis, "shapes": shapes,
        "annotations": notes,
        "yaxis": {"title": {"text": "failure rate (%)"}, "rangemode": "tozero",
                  "gridcolor": "#eef1f5"},
    }
    return {"data": data, "layout": layout}


def runs_per_day_figure(days: Sequence[DayCounts], *, title: str = "Runs per day") -> Figure:
    """Stacked bars of runs per day by outcome (error/skip shown, never counted as results)."""
    xs = [_x(d.day) for d in days]
    data = []
    for outcome, colour in OUTCOME_COLOURS.items():
        ys = [d.counts.get(outcome, 0) for d in days]
        if any(ys):
            data.append({"type": "bar", "x": xs, "y": ys, "name": outcome,
                         "marker": {"color": colour},
                         "meta": {"role": "outcome", "outcome": outcome}})
    layout = {**LAYOUT, "title": {"text": _text(title)}, "barmode": "stack",
              "xaxis": {"title": {"text": "day (UTC)"}, "type": "date",
                        "tickformat": "%Y-%m-%d"},
              "yaxis": {"title": {"text": "runs"}}}
    return {"data": data, "layout": layout}
