from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ci_results.models import CrashSignature, Run
from dashboard.forms import RunFilterForm
from dashboard.selectors import runs as selectors
from dashboard.selectors.patches import patch_refs


def _pk(value: object) -> int | None:
    return value.pk if value is not None else None


def run_list(request: HttpRequest) -> HttpResponse:
    form = RunFilterForm(request.GET)
    d = form.cleaned_data if form.is_valid() else {}
    flt = selectors.RunFilter(
        kernel=_pk(d.get("kernel")), config=_pk(d.get("config")),
        reproducer=_pk(d.get("reproducer")), origin=_pk(d.get("origin")),
        outcome=d.get("outcome") or None, signature=d.get("signature"), since=d.get("since"),
    )
    page = selectors.runs_page(flt, cursor=request.GET.get("after"))
    signature = (CrashSignature.objects.filter(pk=flt.signature).first()
                 if flt.signature is not None else None)
    return render(request, "dashboard/runs.html", {
        "nav": "runs", "form": form, "page": page, "signature": signature,
        "first_page": not request.GET.get("after"),
    })


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        run, reports = selectors.run_detail(pk)
    except Run.DoesNotExist:
        raise Http404("no such run") from None
    offset = request.GET.get("offset", "0")
    window = selectors.log_window(run, reports, offset=int(offset) if offset.isdigit() else 0)
    return render(request, "dashboard/run.html", {
        "nav": "runs", "run": run, "reports": reports, "log": window,
        "patches": patch_refs([run.kernel])[run.kernel.pk],
    })
