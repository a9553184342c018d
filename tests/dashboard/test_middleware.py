"""dashboard/middleware.py: the CI API skips the page middleware; pages keep all of it."""

import json

import pytest
from django.contrib.auth.models import User
from django.core import checks
from django.test import Client

from ci_results.services.tokens import token_create
from tests.ci_results.helpers_runs import run_payload

pytestmark = pytest.mark.django_db


def test_it_answers_the_api_without_session_user_or_messages(tmp_path, settings):
    settings.CONSOLE_LOG_DIR = tmp_path / "logs"
    secret = token_create(origin_name="kdevops").secret
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "anything"  # a browser's cookie must not load a session
    response = client.post("/api/v1/runs", json.dumps(run_payload()),
                           content_type="application/json",
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201, response.content
    request = response.wsgi_request
    assert not hasattr(request, "session")
    assert not hasattr(request, "user")
    assert not hasattr(request, "_messages")
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert response.headers["X-Frame-Options"] == "DENY"  # frame options stay everywhere


def test_it_keeps_sessions_users_and_csrf_on_pages():
    user = User.objects.create_user("maintainer", "m@example.org", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    assert response.headers["X-Frame-Options"] == "DENY"
    assert client.post("/accounts/logout/").status_code == 403  # no CSRF token


def test_it_keeps_the_admin_checks_satisfied():
    # The admin requires session, auth and message middleware; subclasses count.
    assert [e for e in checks.run_checks() if e.level >= checks.ERROR] == []
