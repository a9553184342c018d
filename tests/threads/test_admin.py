"""threads/admin.py: every threads model's admin list renders for a superuser."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from dashboard.demo import threads as demo

pytestmark = pytest.mark.django_db
MODELS = ["thread", "message", "person", "series", "seriesversion", "patch", "source",
          "trailer", "inlinediff", "link", "crashtext", "fetchlog", "gistfile", "commit"]


@pytest.mark.parametrize("model", MODELS)
def test_it_lists_each_model(client, model):
    demo.load()
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    response = client.get(reverse(f"admin:threads_{model}_changelist"))
    assert response.status_code == 200
