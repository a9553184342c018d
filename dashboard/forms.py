"""Forms of the pages: GET filters (bound to request.GET) and the signature status POST."""

from __future__ import annotations

from django import forms

from ci_results.models import Config, CrashSignature, Kernel, Origin, Reproducer, Run

SORT_CHOICES = [("name", "name"), ("-name", "name, reversed"), ("-rate", "rate, highest first"),
                ("rate", "rate, lowest first"), ("-runs", "most runs first"),
                ("runs", "fewest runs first")]


def _kernel_field(label: str, required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(Kernel.objects.order_by("tree", "version", "id"),
                                  required=required, label=label, empty_label="(any)")


WINDOWS = [("90", "last 90 days"), ("30", "last 30 days"), ("365", "last 365 days"),
           ("all", "all days")]


class MatrixForm(forms.Form):
    reproducer = forms.ModelChoiceField(Reproducer.objects.all(), required=False,
                                        empty_label="(all reproducers)")
    days = forms.ChoiceField(choices=WINDOWS, required=False, label="Runs of the")
    rows = forms.ChoiceField(choices=SORT_CHOICES, required=False, label="Sort kernels by")
    cols = forms.ChoiceField(choices=SORT_CHOICES, required=False, label="Sort configs by")


class TrendsForm(forms.Form):
    reproducer = forms.ModelChoiceField(Reproducer.objects.all(), required=False,
                                        empty_label="(all reproducers)")
    config = forms.ModelChoiceField(Config.objects.all(), required=False,
                                    empty_label="(all configs)")
    days = forms.IntegerField(min_value=7, max_value=3650, required=False, initial=90,
                              label="Days")


class FixedForm(forms.Form):
    base = forms.ModelChoiceField(Kernel.objects.order_by("tree", "version", "id"),
                                  label="Base kernel")
    fix = forms.ModelChoiceField(Kernel.objects.order_by("tree", "version", "id"),
                                 label="Kernel with the candidate fix")
    config = forms.ModelChoiceField(Config.objects.all(), required=False,
                                    empty_label="(all configs)")
    reproducer = forms.ModelChoiceField(Reproducer.objects.all(), required=False,
                                        empty_label="(all reproducers)")


class RunFilterForm(forms.Form):
    kernel = _kernel_field("Kernel")
    config = forms.ModelChoiceField(Config.objects.all(), required=False, empty_label="(any)")
    reproducer = forms.ModelChoiceField(Reproducer.objects.all(), required=False,
                                        empty_label="(any)")
    origin = forms.ModelChoiceField(Origin.objects.all(), required=False, empty_label="(any)")
    outcome = forms.ChoiceField(choices=[("", "(any)"), *Run.Outcome.choices], required=False)
    signature = forms.IntegerField(required=False, widget=forms.HiddenInput)
    since = forms.DateField(required=False, widget=forms.HiddenInput)


class SignatureStatusForm(forms.Form):
    status = forms.ChoiceField(choices=CrashSignature.Status.choices)
    fixed_by = forms.CharField(max_length=300, required=False,
                               label="Fixing commit SHA or Message-ID")
    duplicate_of = forms.IntegerField(required=False, min_value=1,
                                      label="Duplicate of signature #")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict:
        data = super().clean()
        status = data.get("status")
        if status == CrashSignature.Status.FIXED and not data.get("fixed_by"):
            self.add_error("fixed_by", "Name the fixing commit or message.")
        if status == CrashSignature.Status.DUPLICATE and not data.get("duplicate_of"):
            self.add_error("duplicate_of", "Name the signature this one duplicates.")
        return data
