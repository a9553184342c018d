"""``/crashes/by-title/?title=...``: the signature page for a title.

The thread page links pasted crash text here: threads cannot import ci_results to reverse a
signature's URL, so it links by the title ci_results wrote back on the crash text.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from ci_results.models import CrashSignature


def crash_by_title(request: HttpRequest) -> HttpResponse:
    title = request.GET.get("title", "").strip()
    pk = (CrashSignature.objects.filter(title=title).values_list("pk", flat=True).first()
          if title else None)
    if pk is None:
        raise Http404("no crash signature has this title")
    return redirect("dashboard-crash", pk=pk)
