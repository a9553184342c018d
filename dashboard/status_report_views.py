"""The plain-text status report of a thread: a page with a copy button, or text/plain."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from dashboard.status_report import thread_status_report
from threads.models import Thread


def status_report(request: HttpRequest, pk: int) -> HttpResponse:
    thread = get_object_or_404(Thread, pk=pk)
    text = thread_status_report(thread=thread)
    if request.GET.get("format") == "text":
        return HttpResponse(text, content_type="text/plain; charset=utf-8")
    return render(request, "digests/status_report.html", {"thread": thread, "text": text})
