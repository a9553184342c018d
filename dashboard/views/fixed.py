from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dashboard.forms import FixedForm
from dashboard.selectors.fixed import fix_candidates, fix_comparison


def fixed(request: HttpRequest) -> HttpResponse:
    form = FixedForm(request.GET or None)
    comparison = None
    if form.is_valid():
        d = form.cleaned_data
        comparison = fix_comparison(
            base_id=d["base"].pk, fix_id=d["fix"].pk,
            config_id=d["config"].pk if d["config"] else None,
            reproducer_id=d["reproducer"].pk if d["reproducer"] else None,
        )
    return render(request, "dashboard/fixed.html", {
        "nav": "fixed", "form": form, "comparison": comparison,
        "data": form.cleaned_data if comparison else None,
        "candidates": fix_candidates(),
    })
