from django import forms

from ci_results.models import Config, CrashSignature, Reproducer
from dashboard.models import Subscription
from threads.models import Thread


class SubscribeForm(forms.Form):
    email = forms.EmailField(max_length=254)
    period = forms.ChoiceField(choices=Subscription.Period.choices,
                               initial=Subscription.Period.DAILY)
    everything = forms.BooleanField(required=False, label="Everything (all threads and crashes)")
    threads = forms.ModelMultipleChoiceField(
        Thread.objects.order_by("-updated_at"), required=False)
    signatures = forms.ModelMultipleChoiceField(
        CrashSignature.objects.order_by("title"), required=False, label="Crash signatures")
    configs = forms.ModelMultipleChoiceField(Config.objects.order_by("name"), required=False)
    reproducers = forms.ModelMultipleChoiceField(
        Reproducer.objects.order_by("name"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        chosen = any(data.get(f) for f in ("threads", "signatures", "configs", "reproducers"))
        if not data.get("everything") and not chosen:
            raise forms.ValidationError(
                "Choose at least one thread, signature, config or reproducer, or everything.")
        return data
