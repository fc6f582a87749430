"""Forms of Admin → User Authentication → Single sign-on. The rules (issuer, scopes,
domains, names) live in parley.sso.services."""

from django import forms

from parley.accounts.models import Role
from parley.groups.services import MODES, UNKNOWN_CHOICES


class OidcProviderForm(forms.Form):
    name = forms.CharField(max_length=1000, strip=True)
    button_text = forms.CharField(
        required=False,
        max_length=1000,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": "Sign in with …"}),
    )
    issuer = forms.CharField(
        max_length=4000,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": "https://login.example.com"}),
    )
    client_id = forms.CharField(max_length=1000, strip=True)
    client_secret = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    scopes = forms.CharField(required=False, max_length=2000, initial="openid profile email")
    domains = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.TextInput(attrs={"placeholder": "example.com, example.org"}),
    )
    groups_claim = forms.CharField(required=False, max_length=1000, strip=True)
    groups_mode = forms.ChoiceField(choices=[(m, m) for m in MODES], initial="sync")
    unknown_groups = forms.ChoiceField(choices=[(u, u) for u in UNKNOWN_CHOICES], initial="ignore")
    allow_private_network = forms.BooleanField(required=False)


class SamlProviderForm(forms.Form):
    name = forms.CharField(max_length=1000, strip=True)
    button_text = forms.CharField(
        required=False,
        max_length=1000,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": "Sign in with …"}),
    )
    metadata_url = forms.CharField(
        required=False,
        max_length=4000,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": "https://idp.example.com/metadata.xml"}),
    )
    metadata_xml = forms.CharField(
        required=False, max_length=512 * 1024, widget=forms.Textarea(attrs={"rows": 6})
    )
    attr_id = forms.CharField(required=False, max_length=1000, strip=True)
    attr_email = forms.CharField(required=False, max_length=1000, strip=True, initial="email")
    attr_name = forms.CharField(required=False, max_length=1000, strip=True, initial="name")
    attr_email_verified = forms.CharField(required=False, max_length=1000, strip=True)
    domains = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.TextInput(attrs={"placeholder": "example.com, example.org"}),
    )
    groups_claim = forms.CharField(required=False, max_length=1000, strip=True)
    groups_mode = forms.ChoiceField(choices=[(m, m) for m in MODES], initial="sync")
    unknown_groups = forms.ChoiceField(choices=[(u, u) for u in UNKNOWN_CHOICES], initial="ignore")
    allow_private_network = forms.BooleanField(required=False)


class SsoSettingsForm(forms.Form):
    link_by_email = forms.BooleanField(required=False)
    sso_only = forms.BooleanField(required=False)
    roles_from_claims = forms.BooleanField(required=False)
    roles_claim = forms.CharField(required=False, max_length=1000, strip=True)
    roles_allowed = forms.MultipleChoiceField(
        required=False,
        choices=[(r.value, r.label) for r in Role if r != Role.OWNER],
        widget=forms.CheckboxSelectMultiple,
    )


def split_list(text: str) -> tuple[str, ...]:
    """Words separated by commas or spaces, as admins type scopes and domains."""
    return tuple(part for part in text.replace(",", " ").split() if part)
