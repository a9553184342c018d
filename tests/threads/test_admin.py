"""threads/admin.py: every threads model's admin list renders for a superuser."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from dashboard.demo import threads as demo

pytestmark = pytest.mark.django_db
MODELS = ["thread", "message", "person", "series", "seriesversion", "patch", "source",
          "trailer", "inlinediff", "link", "crashtext", "fetchlog", "gistfile", "commit"]


def test_it_lists_each_model(client):
    demo.load()
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    statuses = {m: client.get(reverse(f"admin:threads_{m}_changelist")).status_code
                for m in MODELS}
    assert statuses == dict.fromkeys(MODELS, 200)
