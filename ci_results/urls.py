"""URLs of ci_results: the CI API under /api/v1/ and the uploader download."""

from django.urls import path

from ci_results import views
from ci_results.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("tools/kbd-upload.py", views.uploader, name="ci_results-uploader"),
]
