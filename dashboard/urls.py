"""Top-level URL map. Each app keeps its own urls module; names follow ``<app>-<page>``."""

from django.contrib import admin
from django.urls import include, path

from dashboard import status_report_views, views
from dashboard.feeds import SignaturesFeed, ThreadFeed

urlpatterns = [
    # First: CI systems post hundreds of runs a second to /api/v1/, resolved before any page.
    path("", include("ci_results.urls")),
    path("", views.overview, name="dashboard-overview"),
    path("healthz", views.healthz, name="dashboard-healthz"),
    path("favicon.ico", views.favicon, name="dashboard-favicon"),
    path("matrix/", views.matrix, name="dashboard-matrix"),
    path("crashes/", views.crash_list, name="dashboard-crashes"),
    # Linked from crash text on thread pages (threads knows the title, not the signature).
    path("crashes/by-title/", views.crash_by_title, name="dashboard-crash-by-title"),
    path("crashes/<int:pk>/", views.crash_detail, name="dashboard-crash"),
    path("crashes/<int:pk>/status", views.crash_status, name="dashboard-crash-status"),
    path("trends/", views.trends, name="dashboard-trends"),
    path("fixed/", views.fixed, name="dashboard-fixed"),
    path("runs/", views.run_list, name="dashboard-runs"),
    path("runs/<int:pk>/", views.run_detail, name="dashboard-run"),
    path("search/", views.search, name="dashboard-search"),
    path("feeds/threads/<int:pk>.atom", ThreadFeed(), name="dashboard-feed-thread"),
    path("feeds/signatures.atom", SignaturesFeed(), name="dashboard-feed-signatures"),
    path("digests/", include("dashboard.digests.urls")),
    path("threads/<int:pk>/status-report/", status_report_views.status_report,
         name="dashboard-status-report"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("threads.urls")),
]

handler404 = "dashboard.views.page_not_found"
handler500 = "dashboard.views.server_error"
