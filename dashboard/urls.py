"""Top-level URL map. Each app keeps its own urls module; names follow ``<app>-<page>``."""

from django.contrib import admin
from django.urls import include, path

from dashboard import views

urlpatterns = [
    path("", views.overview, name="dashboard-overview"),
    path("healthz", views.healthz, name="dashboard-healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("threads.urls")),
    path("", include("ci_results.urls")),
]

handler404 = "dashboard.views.page_not_found"
handler500 = "dashboard.views.server_error"
