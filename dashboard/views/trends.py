from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dashboard import charts
from dashboard.forms import TrendsForm
from dashboard.selectors import trends as selectors


def trends(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("days", str(selectors.DEFAULT_DAYS))
    form = TrendsForm(data)
    d = form.cleaned_data if form.is_valid() else {}
    result = selectors.trends(
        reproducer_id=d["reproducer"].pk if d.get("reproducer") else None,
        config_id=d["config"].pk if d.get("config") else None,
        days=d.get("days") or selectors.DEFAULT_DAYS,
    )
    figures = {
        "over-time": charts.rate_figure(result.over_time, title="Failure rate by week",
                                        x_title="week (UTC)"),
        "across-kernels": charts.rate_figure(
            result.across_kernels, title="Failure rate across kernels", x_title="kernel",
            boundaries=result.boundaries, categorical=True),
        "runs-per-day": charts.runs_per_day_figure(result.per_day),
    }
    return render(request, "dashboard/trends.html", {
        "nav": "trends", "form": form, "trends": result,
        "figures": figures,
    })
