"""Dashboard pages, one module per page. Views parse the request, call selectors, render."""

from dashboard.views.core import favicon, healthz, page_not_found, server_error
from dashboard.views.crash_lookup import crash_by_title
from dashboard.views.crashes import crash_detail, crash_list, crash_status
from dashboard.views.fixed import fixed
from dashboard.views.matrix import matrix
from dashboard.views.overview import overview
from dashboard.views.runs import run_detail, run_list
from dashboard.views.search import search
from dashboard.views.trends import trends

__all__ = [
    "crash_by_title", "crash_detail", "crash_list", "crash_status", "favicon", "fixed",
    "healthz", "matrix", "overview", "page_not_found", "run_detail", "run_list", "search",
    "server_error", "trends",
]
