"""Page middleware that the CI API skips.

Sessions, users and messages exist for the HTML pages. The CI API under ``/api/``
authenticates every request by its bearer token and answers JSON, so running them there only
costs time on the ingest hot path (about a tenth of a single-run POST's CPU). CSRF and frame
options stay on everywhere: the deploy check wants Django's own CSRF class, API views are
exempt from it anyway, the docs page is HTML, and both cost next to nothing.
Each class is a subclass of Django's own, so the admin's checks still find them in
``MIDDLEWARE`` and pages behave exactly as with Django's classes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest, HttpResponseBase

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


class PagesOnly:
    """Mixin: the middleware runs for every path except the API's."""

    get_response: Any

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if is_api(request):
            return self.get_response(request)
        return super().__call__(request)  # type: ignore[misc]


class SessionMiddleware(PagesOnly, sessions.SessionMiddleware):
    pass


class AuthenticationMiddleware(PagesOnly, auth.AuthenticationMiddleware):
    pass


class MessageMiddleware(PagesOnly, messages.MessageMiddleware):
    pass

