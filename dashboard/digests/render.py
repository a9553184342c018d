"""A digest as kernel people read mail: plain text wrapped at 72 columns, HTML as an extra.

URLs are never broken across lines (a wrapped link does not work in a mail client).
"""

from __future__ import annotations

import textwrap
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string

from dashboard.digests.content import Digest

WIDTH = 72


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def wrap(text: str, *, indent: str = "", first: str | None = None) -> list[str]:
    """Wrap one paragraph at 72 columns; long words (URLs) stay whole on their own line."""
    wrapper = textwrap.TextWrapper(
        width=WIDTH, initial_indent=indent if first is None else first,
        subsequent_indent=indent, break_long_words=False, break_on_hyphens=False,
    )
    return wrapper.wrap(text) or [(first if first is not None else indent).rstrip()]


def when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "date unknown"


def _heading(title: str) -> list[str]:
    return ["", title, "=" * len(title), ""]


def _messages(digest: Digest) -> list[str]:
    lines = _heading("New messages")
    current = None
    for m in digest.messages:
        if m.thread_id != current:
            current = m.thread_id
            lines += wrap(m.thread_subject or "(no subject)", first="* ", indent="  ")
            lines.append(f"  {site_url(f'/threads/{m.thread_id}/')}")
        lines += wrap(f"{m.author}, {when(m.date)}: {m.subject}", first="  - ", indent="    ")
        for excerpt in m.excerpt:
            lines += wrap(excerpt, first="    | ", indent="    | ")
    return lines


def _series(digest: Digest) -> list[str]:
    lines = []
    if digest.new_versions:
        lines += _heading("New series versions")
        for v in digest.new_versions:
            total = f", {v.total} patches" if v.total else ""
            lines += wrap(f"v{v.version} of {v.name}{total}", first="* ", indent="  ")
            lines.append(f"  {site_url(f'/series/{v.series_id}/')}")
    if digest.patch_changes:
        lines += _heading("Patch status changes")
        for p in digest.patch_changes:
            lines += wrap(f"[v{p.version} {p.number}] {p.name}: {p.status}", first="* ",
                          indent="  ")
            if p.reason:
                lines += wrap(p.reason, indent="    ")
            lines.append(f"  {site_url(f'/series/{p.series_id}/')}")
    return lines


def _crashes(digest: Digest) -> list[str]:
    lines = []
    if digest.signatures:
        lines += _heading("Crash signatures")
        for s in digest.signatures:
            what = "new" if s.what == "new" else f"status {s.status}"
            lines += wrap(f"{s.title} [{what}]", first="* ", indent="  ")
            if s.note:
                lines += wrap(s.note, indent="    ")
            lines.append(f"  {site_url(f'/crashes/{s.signature_id}/')}")
    if digest.rate_shifts:
        lines += _heading("Crash rates that changed significantly")
        for r in digest.rate_shifts:
            c = r.change
            lines += wrap(f"{r.kernel} / {r.config} / {r.reproducer}: {c.direction} "
                          f"(Fisher p = {c.p_value:.3g})", first="* ", indent="  ")
            lines += wrap(f"before: {c.old.describe()}", indent="    ")
            lines += wrap(f"now:    {c.new.describe()}", indent="    ")
    if digest.verdicts:
        lines += _heading('"Is it fixed?" verdicts that changed')
        for v in digest.verdicts:
            lines += wrap(f"{v.fix} vs {v.base} on {v.config} / {v.reproducer}: "
                          f"{v.old} -> {v.new}", first="* ", indent="  ")
            lines += wrap(f"base: {v.base_rate.describe()}", indent="    ")
            lines += wrap(f"fix:  {v.fix_rate.describe()}", indent="    ")
            lines += wrap(v.explanation, indent="    ")
    return lines


def _sources(digest: Digest) -> list[str]:
    if not digest.failing_sources:
        return []
    lines = _heading("Sources failing to refresh")
    for s in digest.failing_sources:
        lines += wrap(f"{s.kind} {s.url} ({s.failures} failures in a row)", first="* ",
                      indent="  ")
        if s.error:
            lines += wrap(s.error, indent="    ")
    return lines


def render_text(digest: Digest, *, since: datetime | None, unsubscribe_url: str,
                preview_url: str) -> str:
    lines = wrap(f"What changed on the kernel bug dashboard since {when(since)}.")
    lines += _messages(digest) if digest.messages else []
    lines += _series(digest) + _crashes(digest) + _sources(digest)
    lines += ["", "-- ", "You get this digest because you subscribed to it."]
    lines += wrap(f"Preview or change: {preview_url}")
    lines += wrap(f"Unsubscribe: {unsubscribe_url}")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def render_html(digest: Digest, *, since: datetime | None, unsubscribe_url: str,
                preview_url: str) -> str:
    return render_to_string("digests/digest_body.html", {
        "digest": digest, "since": since, "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url, "preview_url": preview_url,
    })


def render_subject(digest: Digest, *, period: str, day: datetime) -> str:
    parts = []
    if digest.messages:
        parts.append(f"{len(digest.messages)} new message{'s' if len(digest.messages) > 1 else ''}")
    crash_items = len(digest.signatures) + len(digest.rate_shifts) + len(digest.verdicts)
    if crash_items:
        parts.append(f"{crash_items} crash update{'s' if crash_items > 1 else ''}")
    other = digest.item_count - len(digest.messages) - crash_items
    if other:
        parts.append(f"{other} other change{'s' if other > 1 else ''}")
    return f"[kbd] {period} digest {day:%Y-%m-%d}: {', '.join(parts)}"
