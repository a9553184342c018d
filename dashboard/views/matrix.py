from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from dashboard.forms import MatrixForm
from dashboard.selectors.matrix import DEFAULT_DAYS, results_matrix


def matrix(request: HttpRequest) -> HttpResponse:
    form = MatrixForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    reproducer = data.get("reproducer")
    days = data.get("days") or str(DEFAULT_DAYS)
    result = results_matrix(
        reproducer_id=reproducer.pk if reproducer else None,
        row_sort=data.get("rows") or "name", col_sort=data.get("cols") or "name",
        days=None if days == "all" else int(days),
    )
    return render(request, "dashboard/matrix.html", {
        "nav": "matrix", "form": form, "matrix": result, "grid": result.grid(),
        "reproducer": reproducer, "runs_url": reverse("dashboard-runs"),
    })
