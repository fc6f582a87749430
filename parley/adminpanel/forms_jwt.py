"""Forms of the External Authentication admin pages. They check the shape of the input; the
rules (secret strength, PEM keys, policy ranges) live in parley.external_auth services."""

from datetime import timedelta

from django import forms

from parley.accounts.models import Role
from parley.external_auth.models import JwtSettings, SessionLength
from parley.external_auth.token_roles import allowed_token_roles
from parley.times import UNIT_SECONDS, split_duration

HOUR = 3600
DAY = 24 * HOUR
MAX_DURATION_SECONDS = 365 * DAY
GRACE_CHOICES = [
    ("0", "None — every previous secret stops working at once"),
    (str(HOUR), "1 hour"),
    (str(DAY), "24 hours"),
    (str(7 * DAY), "7 days"),
]
LINK_LIFETIME_CHOICES = [
    (str(10 * 60), "10 minutes"),
    (str(HOUR), "1 hour"),
    (str(DAY), "24 hours"),
    (str(7 * DAY), "7 days"),
]
# The units each duration's <select> offers; a stored value shows in the largest that fits.
LONG_UNITS = ("days", "hours", "minutes")
WINDOW_UNITS = ("hours", "minutes", "seconds")
UNIT_CHOICES = [(unit, unit) for unit in reversed(LONG_UNITS)]
WINDOW_UNIT_CHOICES = [(unit, unit) for unit in reversed(WINDOW_UNITS)]
# Each duration: (smallest, largest) in seconds, and what the form says when out of range.
DURATION_RANGES = {
    "max_lifetime": (60, MAX_DURATION_SECONDS, "between 1 minute and 365 days"),
    "session_max": (60, MAX_DURATION_SECONDS, "between 1 minute and 365 days"),
    "failure_window": (10, DAY, "between 10 seconds and 24 hours"),
}
GROUPS_MODE_CHOICES = [
    ("sync", "Sync: each login makes the token-managed groups exactly the token's list"),
    ("add", "Add only: a login adds the token's groups and never removes any"),
]
UNKNOWN_GROUPS_CHOICES = [
    ("ignore", "Ignore names that are not a group here"),
    ("create", "Create the group"),
]


def _switch() -> forms.BooleanField:
    return forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"role": "switch"}))


class JwtSwitchForm(forms.Form):
    enabled = _switch()


class RotateForm(forms.Form):
    grace = forms.TypedChoiceField(choices=GRACE_CHOICES, coerce=int, initial=str(DAY))

    def grace_period(self) -> timedelta:
        return timedelta(seconds=self.cleaned_data["grace"])


class PasteSecretForm(RotateForm):
    # Not required and not stripped here: validate_admin_secret gives the precise message
    # (empty, too short, a public key's text) and does its own trimming.
    secret = forms.CharField(
        required=False,
        strip=False,
        max_length=4096,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_paste_%s")  # the rotate form shares the page
        super().__init__(*args, **kwargs)


class PublicKeyForm(forms.Form):
    kid = forms.CharField(required=False, max_length=255, strip=True)
    pem = forms.CharField(
        max_length=20_000,
        strip=True,
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "spellcheck": "false",
                "placeholder": "-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----",
            }
        ),
        error_messages={"required": "Paste a public key in PEM form."},
    )


def _unit_select(choices, label: str) -> forms.ChoiceField:
    # The amount's <label> names the number box; the unit <select> needs its own name.
    return forms.ChoiceField(choices=choices, widget=forms.Select(attrs={"aria-label": label}))


class JwksUrlForm(forms.Form):
    # Checked by services.set_jwks_url (https only, no credentials, public addresses unless
    # allow_private_network); empty clears it.
    jwks_url = forms.CharField(
        required=False,
        max_length=2048,
        strip=True,
        label="JWKS URL",
        widget=forms.URLInput(
            attrs={"placeholder": "https://idp.example.com/.well-known/jwks.json"}
        ),
    )
    allow_private_network = forms.BooleanField(
        required=False, label="Allow a private-network key URL", widget=forms.CheckboxInput()
    )


class PolicyForm(forms.Form):
    leeway_seconds = forms.IntegerField(min_value=0, max_value=3600)
    require_exp = _switch()
    max_lifetime = forms.IntegerField(required=False, min_value=1)
    max_lifetime_unit = _unit_select(UNIT_CHOICES, "Maximum lifetime unit")
    issuer = forms.CharField(required=False, max_length=255, strip=True)
    audience = forms.CharField(required=False, max_length=255, strip=True)
    one_time_jti = _switch()
    link_by_email = _switch()
    admins_may_use_jwt = _switch()
    session_length = forms.ChoiceField(
        choices=SessionLength.choices, widget=forms.RadioSelect, label="Session length"
    )
    session_max = forms.IntegerField(min_value=1)
    session_max_unit = _unit_select(UNIT_CHOICES, "Session maximum unit")
    failure_limit = forms.IntegerField(min_value=1, max_value=100_000)
    failure_window = forms.IntegerField(min_value=1)
    failure_window_unit = _unit_select(WINDOW_UNIT_CHOICES, "Failure window unit")
    groups_from_token = _switch()
    # Checked by services.update_policy (a claim name or dotted path, no spaces).
    groups_claim = forms.CharField(max_length=255, strip=True)
    groups_mode = forms.ChoiceField(choices=GROUPS_MODE_CHOICES)
    unknown_groups = forms.ChoiceField(choices=UNKNOWN_GROUPS_CHOICES)

    @classmethod
    def initial_from(cls, row: JwtSettings) -> dict:
        lifetime, lifetime_unit = (None, "hours")  # no maximum: an empty box
        if row.max_lifetime_seconds is not None:
            lifetime, lifetime_unit = split_duration(row.max_lifetime_seconds, units=LONG_UNITS)
        session, session_unit = split_duration(row.session_max_age_seconds, units=LONG_UNITS)
        window, window_unit = split_duration(row.failure_window_seconds, units=WINDOW_UNITS)
        return {
            "leeway_seconds": row.leeway_seconds,
            "require_exp": row.require_exp,
            "max_lifetime": lifetime,
            "max_lifetime_unit": lifetime_unit,
            "issuer": row.issuer,
            "audience": row.audience,
            "one_time_jti": row.one_time_jti,
            "link_by_email": row.link_by_email,
            "admins_may_use_jwt": row.admins_may_use_jwt,
            "session_length": row.session_length,
            "session_max": session,
            "session_max_unit": session_unit,
            "failure_limit": row.failure_limit,
            "failure_window": window,
            "failure_window_unit": window_unit,
            "groups_from_token": row.groups_from_token,
            "groups_claim": row.groups_claim,
            "groups_mode": row.groups_mode,
            "unknown_groups": row.unknown_groups,
        }

    def clean(self):
        data = super().clean()
        for field, (minimum, maximum, in_words) in DURATION_RANGES.items():
            amount, unit = data.get(field), data.get(f"{field}_unit")
            if amount is None or unit is None:
                continue
            seconds = amount * UNIT_SECONDS[unit]
            if not minimum <= seconds <= maximum:
                self.add_error(field, f"Enter a duration {in_words}.")
            else:
                data[f"{field}_seconds"] = seconds
        return data

    def policy(self) -> dict:
        """The fields services.update_policy takes."""
        data = self.cleaned_data
        return {
            "leeway_seconds": data["leeway_seconds"],
            "require_exp": data["require_exp"],
            "max_lifetime_seconds": data.get("max_lifetime_seconds"),
            "issuer": data["issuer"],
            "audience": data["audience"],
            "one_time_jti": data["one_time_jti"],
            "link_by_email": data["link_by_email"],
            "admins_may_use_jwt": data["admins_may_use_jwt"],
            "session_length": data["session_length"],
            "session_max_age_seconds": data["session_max_seconds"],
            "failure_limit": data["failure_limit"],
            "failure_window_seconds": data["failure_window_seconds"],
            "groups_from_token": data["groups_from_token"],
            "groups_claim": data["groups_claim"],
            "groups_mode": data["groups_mode"],
            "unknown_groups": data["unknown_groups"],
        }


class TesterForm(forms.Form):
    code = forms.CharField(
        max_length=64 * 1024,
        strip=True,
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "spellcheck": "false",
                "autocomplete": "off",
                "placeholder": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyIjp7…",
            }
        ),
        error_messages={"required": "Paste a code to test."},
    )


class LoginLinkForm(forms.Form):
    user = forms.CharField(
        max_length=255,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": "User ID or email address"}),
        error_messages={"required": "Enter a user ID or email address."},
    )
    lifetime = forms.TypedChoiceField(choices=LINK_LIFETIME_CHOICES, coerce=int, initial=str(HOUR))

    def lifetime_delta(self) -> timedelta:
        return timedelta(seconds=self.cleaned_data["lifetime"])


class TokenRolesForm(forms.Form):
    """Roles from the token (owners only); token_roles.set_token_roles holds the rules."""

    enabled = _switch()
    claim = forms.CharField(max_length=255, strip=True)
    allowed = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        # Owner is never offered: a token can never grant it.
        choices=[(v, label) for v, label in Role.choices if v != Role.OWNER],
    )

    @classmethod
    def initial_from(cls, row: JwtSettings) -> dict:
        return {
            "enabled": row.roles_from_token,
            "claim": row.roles_claim,
            "allowed": allowed_token_roles(row),
        }
