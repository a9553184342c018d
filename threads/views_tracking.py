"""The "track a thread" form for signed-in users."""

from __future__ import annotations

from celery import current_app
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from threads.services.tracking import TrackError, thread_track, track_target
from threads.tasks import track_thread


class TrackForm(forms.Form):
    target = forms.CharField(
        max_length=2000, label="lore URL, lkml.iu.edu URL or Message-ID",
        widget=forms.TextInput(attrs={"placeholder": "https://lore.kernel.org/linux-mm/...",
                                      "size": 80, "autofocus": True}),
    )

    def clean_target(self) -> str:
        target = self.cleaned_data["target"].strip()
        try:
            track_target(target)
        except TrackError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return target


@login_required
def thread_track_view(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        if not current_app.conf.task_always_eager:  # a worker fetches it; the list shows it soon
            user_id = request.user.pk
            transaction.on_commit(lambda: track_thread.delay(target, user_id))
            messages.info(request, f"Tracking {target}: the thread appears once it is fetched.")
            return redirect("threads-list")
        try:
            thread = thread_track(url_or_msgid=target, user=request.user)
        except TrackError as exc:
            form.add_error("target", str(exc))
        else:
            messages.success(request, f"Tracking {thread.subject or thread.root_msgid}.")
            return redirect("threads-detail", thread.pk)
    return render(request, "threads/track.html", {"form": form, "nav": "threads"})
