"""Formatting helpers for pages: UTC times with relative ages, crash rates, rate colours."""

from __future__ import annotations

from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode

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
