from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ci_results.models import CrashSignature
from ci_results.services.signatures import signature_set_status
from dashboard.forms import SignatureStatusForm
from dashboard.selectors import crashes as selectors

STATUS_PERMISSION = "ci_results.change_crashsignature"


def crash_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in CrashSignature.Status.values else ""
    page = selectors.signatures_page(status=status or None, page=request.GET.get("page", 1))
    return render(request, "dashboard/crashes.html", {
        "nav": "crashes", "page": page, "status": status,
        "statuses": CrashSignature.Status.values,
    })


def crash_detail(request: HttpRequest, pk: int, form: SignatureStatusForm | None = None
                 ) -> HttpResponse:
    try:
        detail = selectors.signature_detail(pk)
    except CrashSignature.DoesNotExist:
        raise Http404("no such crash signature") from None
    can_change = request.user.has_perm(STATUS_PERMISSION)
    if can_change and form is None:
        form = SignatureStatusForm(initial={"status": detail.signature.status})
    return render(request, "dashboard/crash.html", {
        "nav": "crashes", "d": detail, "sig": detail.signature, "form": form,
        "can_change": can_change,
    }, status=400 if form is not None and form.errors else 200)


@require_POST
@permission_required(STATUS_PERMISSION, raise_exception=True)
def crash_status(request: HttpRequest, pk: int) -> HttpResponse:
    signature = get_object_or_404(CrashSignature, pk=pk)
    form = SignatureStatusForm(request.POST)
    if not form.is_valid():
        return crash_detail(request, pk, form=form)
    d = form.cleaned_data
    try:
        duplicate_of = (CrashSignature.objects.get(pk=d["duplicate_of"])
                        if d.get("duplicate_of") else None)
        signature_set_status(
            signature=signature, status=d["status"], user=request.user,
            fixed_by=d.get("fixed_by") or "", duplicate_of=duplicate_of, note=d.get("note") or "",
        )
    except CrashSignature.DoesNotExist:
        form.add_error("duplicate_of", "No such signature.")
        return crash_detail(request, pk, form=form)
    except ValueError as exc:  # the service's StatusError: a change it refuses
        form.add_error(None, str(exc))
        return crash_detail(request, pk, form=form)
    messages.success(request, f"Status set to {d['status']}.")
    return redirect("dashboard-crash", pk=pk)
