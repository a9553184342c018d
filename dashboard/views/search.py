from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dashboard.selectors.search import MIN_LENGTH
from dashboard.selectors.search import search as run_search


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    return render(request, "dashboard/search.html", {
        "results": run_search(query), "search_query": query, "min_length": MIN_LENGTH,
    })
