"""Subscribe, confirm, unsubscribe (one click, RFC 8058), preview the next digest."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from dashboard.digests import subscriptions
from dashboard.digests.forms import SubscribeForm
from dashboard.digests.render import render_text
from dashboard.digests.send import digest_preview


def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None, initial={
        "threads": request.GET.getlist("thread"), "signatures": request.GET.getlist("signature"),
    })
    if request.method == "POST" and form.is_valid():
        subscription = subscriptions.subscription_request(**form.cleaned_data)
        return render(request, "digests/subscribe_sent.html", {"subscription": subscription})
    return render(request, "digests/subscribe.html", {"form": form})


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscription = subscriptions.subscription_confirm(token=token)
    status = 200 if subscription else 400
    return render(request, "digests/confirmed.html", {"subscription": subscription},
                  status=status)


@csrf_exempt  # mail providers POST one-click unsubscribes without a CSRF token; the signed
# token in the URL is the authorisation
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        subscription = subscriptions.subscription_unsubscribe(token=token)
        done = True
    else:
        subscription = subscriptions.subscription_from_token(token=token)
        done = False
    status = 200 if subscription else 400
    return render(request, "digests/unsubscribe.html",
                  {"subscription": subscription, "done": done, "token": token}, status=status)


def preview(request: HttpRequest, token: str) -> HttpResponse:
    subscription = subscriptions.subscription_from_token(token=token)
    if subscription is None:
        return render(request, "digests/confirmed.html", {"subscription": None}, status=400)
    digest = digest_preview(subscription=subscription)
    text = render_text(digest, since=subscription.covered_until or subscription.confirmed_at,
                       unsubscribe_url=subscriptions.unsubscribe_url(subscription),
                       preview_url=subscriptions.preview_url(subscription))
    return render(request, "digests/preview.html",
                  {"subscription": subscription, "digest": digest, "text": text})
