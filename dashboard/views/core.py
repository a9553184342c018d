"""Health and error pages, and the site icon."""

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.templatetags.static import static

from dashboard import health


def healthz(request: HttpRequest) -> JsonResponse:
    db_ok, db_detail = health.check_database()
    broker_ok, broker_detail = health.check_broker()
    ok = db_ok and broker_ok
    body = {
        "status": "ok" if ok else "error",
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
        "workers": health.worker_heartbeats() if db_ok else [],
        "parsing": health.parse_backlog() if db_ok else None,
    }
    return JsonResponse(body, status=200 if ok else 503)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the error may come from the database the context would query.
    return render(None, "500.html", {}, status=500)


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on pages without a <link rel="icon"> (a feed)."""
    return HttpResponsePermanentRedirect(static("dashboard/favicon.ico"))
