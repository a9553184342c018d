"""Formatting helpers for pages: UTC times with relative ages, crash rates, rate colours."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from ci_results.stats import RateEstimate

register = template.Library()


def _age(delta_s: float) -> str:
    past = delta_s >= 0
    s = abs(int(delta_s))
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400),
                       ("hour", 3600), ("minute", 60)):
        if s >= size:
            n = s // size
            text = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"{text} ago" if past else f"in {text}"
    return "just now"


@register.simple_tag
def when(value: datetime | None, empty: str = "never") -> str:
    """``<time>`` with the UTC date and the relative age: 2024-04-30 14:02 UTC (3 days ago)."""
    if value is None:
        return format_html('<span class="muted">{}</span>', empty)
    value = value.astimezone(UTC) if timezone.is_aware(value) else value
    age = _age((timezone.now() - value).total_seconds()) if timezone.is_aware(value) else ""
    return format_html(
        '<time datetime="{}" title="{}">{} UTC <span class="muted">({})</span></time>',
        value.isoformat(), age, value.strftime("%Y-%m-%d %H:%M"), age,
    )


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.{digits}f}%"


@register.filter
def rate_text(estimate: RateEstimate | None) -> str:
    """``30.0% [18.1–45.4]`` or, with no failure, ``< 9.5%`` (the upper bound only)."""
    if estimate is None or estimate.runs == 0:
        return "no runs"
    if estimate.upper_bound_only:
        return f"< {estimate.high * 100:.1f}%"
    return f"{estimate.rate * 100:.1f}% [{estimate.low * 100:.1f}–{estimate.high * 100:.1f}]"


def rate_colour(estimate: RateEstimate | None) -> str:
    """Background for a matrix cell: grey without runs, green at 0, to red at >= 50%."""
    if estimate is None or estimate.runs == 0:
        return "#f0f2f5"
    rate = min(1.0, (estimate.rate or 0.0) / 0.5)
    if estimate.crashes == 0:
        return "#dff3e4"
    # light orange -> strong red as the rate grows
    r, g, b = 255, int(224 - 150 * rate), int(190 - 150 * rate)
    return f"rgb({r},{g},{b})"


@register.filter
def rate_style(estimate: RateEstimate | None) -> str:
    return f"background-color: {rate_colour(estimate)}"


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced (None/"" removes them)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else {}
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    items = [(k, v) for k in params for v in params.getlist(k)] if hasattr(params, "getlist") \
        else list(params.items())
    return "?" + urlencode(items) if items else "?"


@register.filter
def trend_arrow(direction: str | None) -> str:
    return {"up": "↑", "down": "↓", "same": "→"}.get(direction or "", "·")


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None


@register.simple_tag
def select(field: BoundField) -> str:
    """A ``<select>`` for a choice field, built in Python: Django's per-option widget
    templates cost ~0.2 ms an option, which a kernel list of hundreds turns into the
    slowest part of a page."""
    value = field.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    options = []
    for key, label in field.field.choices:
        key = getattr(key, "value", key)  # ModelChoiceIteratorValue
        key = "" if key is None else str(key)
        selected = " selected" if key in chosen else ""
        options.append(f'<option value="{html.escape(key)}"{selected}>'
                       f"{html.escape(str(label))}</option>")
    required = " required" if field.field.required else ""
    return mark_safe(f'<select name="{html.escape(field.html_name)}" '
                     f'id="{html.escape(field.auto_id)}"{required}>{"".join(options)}</select>')


def _outcome_badge(outcome: str) -> str:
    kind = {"crash": " badge-bad", "hang": " badge-warn", "pass": " badge-good"}.get(outcome, "")
    return format_html('<span class="badge outcome-{}{}">{}</span>', outcome, kind, outcome)


@register.simple_tag
def matrix_rows(grid: list, runs_url: str, reproducer: object = None,
                since: date | None = None) -> str:
    """Every ``<tr>`` of the matrix body in one call (one tag per cell cost a third of the
    page's time at 60 kernels x 16 configs)."""
    rows = []
    for line, cells in grid:
        kernel = line.item
        rows.append(
            f'<tr><th scope="row" class="kernel">{html.escape(kernel.display_name)}'
            f'<div class="muted small">{html.escape(kernel.tree)}</div></th>'
            + "".join(matrix_cell(c, runs_url, reproducer, since) for c in cells) + "</tr>")
    return mark_safe("\n".join(rows))


def matrix_cell(cell: object, runs_url: str, reproducer: object = None,
                since: date | None = None) -> str:
    """One matrix ``<td>`` built in Python: a page has hundreds, and a template per cell
    spent most of the page's time resolving variables. Only numbers and ids go in, and the
    texts made from them are escaped."""
    if cell is None:
        return mark_safe('<td class="cell empty muted">–</td>')
    rate, counts = cell.rate, cell.counts
    href = f"{runs_url}?kernel={cell.kernel.pk}&amp;config={cell.config.pk}"
    if reproducer is not None:
        href += f"&amp;reproducer={reproducer.pk}"
    if since is not None:
        href += f"&amp;since={since.isoformat()}"
    infra = counts.errors + counts.skips
    extra = f' <span class="muted">(+{infra} infra)</span>' if infra else ""
    plural = "" if counts.runs == 1 else "s"
    return mark_safe(
        f'<td class="cell" style="{rate_style(rate)}"><a class="cell-link" href="{href}" '
        f'title="{html.escape(rate.describe())}">'
        f'<span class="rate">{html.escape(rate_text(rate))}</span>'
        f'<span class="runs">{counts.runs} run{plural}{extra}</span></a></td>'
    )


@register.simple_tag
def run_row(run: object) -> str:
    """One row of a runs table (see ``matrix_cell`` for why it is built in Python)."""
    origin = (mark_safe('<span class="badge badge-demo" title="synthetic demo data">demo</span>')
              if run.origin.is_demo else
              format_html('<span class="muted small">{}</span>', run.origin.name))
    duration = f"{run.duration_s:.0f} s" if run.duration_s is not None else ""
    run_id = run.run_id if len(run.run_id) <= 32 else run.run_id[:31] + "…"
    return format_html(
        '<tr><td><a href="/runs/{}/" class="mono">{}</a> {}</td><td>{}</td><td>{}</td>'
        '<td>{}</td><td class="opt">{}</td><td>{}</td><td class="num opt">{}</td></tr>',
        run.pk, run_id, origin, _outcome_badge(run.outcome), run.kernel.display_name,
        run.config.name, run.reproducer.name, when(run.started_at), duration,
    )


@register.simple_tag
def rate_rows(series_list: list) -> str:
    """``<tr>`` per (series, point) of rate charts: the figures as a table, without JS."""
    rows = [
        f"<tr><td>{html.escape(s.name)}</td><td>{html.escape(str(p.x))}</td>"
        f"<td>{pct(p.rate)} [{pct(p.low)}–{pct(p.high)}]</td>"
        f'<td class="num">{p.runs}</td></tr>'
        for s in series_list for p in s.points
    ]
    return mark_safe("".join(rows))
