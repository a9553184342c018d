from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dashboard.selectors import overview as selectors


def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/overview.html", {
        "nav": "overview",
        "threads": selectors.tracked_threads(),
        "signatures": selectors.open_signatures(),
        "runs": selectors.latest_runs(),
        "sources": selectors.failing_sources(),
    })
