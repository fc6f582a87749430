"""Forms of the Models and Usage admin pages. They check the shape of the input; the rules
live in parley.chat.catalogue and parley.chat.usage."""

from django import forms

from parley.chat import catalogue


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


class LimitForm(forms.Form):
    messages_per_day = forms.IntegerField(min_value=0, max_value=1_000_000, required=False)
    unlimited = forms.BooleanField(required=False)

    def limit(self) -> int | None:
        if self.cleaned_data["unlimited"] or self.cleaned_data["messages_per_day"] is None:
            return None
        return self.cleaned_data["messages_per_day"]
