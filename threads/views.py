"""Thread and series pages: parse the request, call a selector, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from threads import selectors


def thread_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.threads_list(), 50).get_page(request.GET.get("page"))
    lines = selectors.thread_lines(list(page.object_list))
    return render(request, "threads/list.html", {"page": page, "lines": lines, "nav": "threads"})


def thread_detail(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread, roots, count = selectors.thread_tree(thread_id=thread_id)
    context = {"thread": thread, "roots": roots, "count": count, "nav": "threads"}
    return render(request, "threads/detail.html", context)


def message_detail(request: HttpRequest, thread_id: int | None = None, pk: int | None = None,
                   msgid: str | None = None) -> HttpResponse:
    message = selectors.message_detail(pk=pk, msgid=msgid, thread_id=thread_id)
    replies = selectors.message_replies(message=message)
    context = {"m": message, "replies": replies, "thread": message.thread, "nav": "threads"}
    return render(request, "threads/message.html", context)


def series_detail(request: HttpRequest, series_id: int) -> HttpResponse:
    series, versions, rows = selectors.series_grid(series_id=series_id)
    interdiff, wanted = None, _interdiff_request(request)
    if wanted:
        interdiff = selectors.patch_interdiff(series_id=series_id, **wanted)
    context = {"series": series, "versions": versions, "rows": rows, "interdiff": interdiff,
               "wanted": wanted, "nav": "threads"}
    return render(request, "threads/series.html", context)


def _interdiff_request(request: HttpRequest) -> dict[str, int] | None:
    try:
        return {k: int(request.GET[k]) for k in ("number", "old", "new")}
    except (KeyError, ValueError):
        return None
