"""Forms of the Models and Usage admin pages. They check the shape of the input; the rules
live in parley.chat.catalogue, parley.chat.limits and parley.chat.usage."""

import zoneinfo

from django import forms

from parley.chat import catalogue, limits
from parley.groups.models import Group


class ProviderForm(forms.Form):
    name = forms.CharField(max_length=100)
    base_url = forms.URLField(max_length=500, label="Base URL", assume_scheme="https")
    api_key = forms.CharField(required=False, max_length=500, label="API key")
    model_names = forms.CharField(label="Model names")
    timeout_seconds = forms.IntegerField(min_value=1, max_value=600, initial=60)

    def clean_model_names(self):
        names = catalogue.parse_model_names(self.cleaned_data["model_names"])
        if not names:
            raise forms.ValidationError("Name at least one model.")
        return names


class LimitsForm(forms.Form):
    """Six optional limits; an empty field means no limit on it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for metric, period, name in limits.LIMITS:
            self.fields[name] = forms.IntegerField(
                min_value=0,
                max_value=1_000_000_000_000 if metric == "tokens" else 10_000_000,
                required=False,
                label=f"{metric.capitalize()} a {period}",
            )

    def values(self) -> dict[str, int | None]:
        return {name: self.cleaned_data[name] for name in limits.FIELDS}


class ModelAccessForm(forms.Form):
    access = forms.ChoiceField(
        choices=[("everyone", "Everyone"), ("groups", "Only these groups")],
        widget=forms.RadioSelect,
        label="Who may use it",
    )
    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )


class TimeZoneForm(forms.Form):
    time_zone = forms.CharField(max_length=64, label="Time zone for resets")

    def clean_time_zone(self):
        name = self.cleaned_data["time_zone"].strip()
        if name not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                f"“{name}” is not a time zone. Use an IANA name such as Europe/Paris."
            )
        return name
