"""Forms of the External Authentication admin pages. They check the shape of the input; the
rules (secret strength, PEM keys, policy ranges) live in parley.external_auth services."""

from datetime import timedelta

from django import forms

from parley.external_auth.models import JwtSettings

HOUR = 3600
DAY = 24 * HOUR
MAX_DURATION_SECONDS = 365 * DAY
GRACE_CHOICES = [
    ("0", "None — the old secret stops working at once"),
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
UNIT_CHOICES = [("minutes", "minutes"), ("hours", "hours"), ("days", "days")]
UNIT_SECONDS = {"minutes": 60, "hours": HOUR, "days": DAY}


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


def _split_duration(seconds: int | None) -> tuple[int | None, str]:
    """Seconds as the largest whole unit, for showing a stored duration in the form."""
    if seconds is None:
        return None, "hours"
    for unit in ("days", "hours", "minutes"):
        if seconds % UNIT_SECONDS[unit] == 0:
            return seconds // UNIT_SECONDS[unit], unit
    return max(seconds // 60, 1), "minutes"


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
    max_lifetime_unit = forms.ChoiceField(choices=UNIT_CHOICES)
    issuer = forms.CharField(required=False, max_length=255, strip=True)
    audience = forms.CharField(required=False, max_length=255, strip=True)
    one_time_jti = _switch()
    link_by_email = _switch()
    session_max = forms.IntegerField(min_value=1)
    session_max_unit = forms.ChoiceField(choices=UNIT_CHOICES)

    @classmethod
    def initial_from(cls, row: JwtSettings) -> dict:
        lifetime, lifetime_unit = _split_duration(row.max_lifetime_seconds)
        session, session_unit = _split_duration(row.session_max_age_seconds)
        return {
            "leeway_seconds": row.leeway_seconds,
            "require_exp": row.require_exp,
            "max_lifetime": lifetime,
            "max_lifetime_unit": lifetime_unit,
            "issuer": row.issuer,
            "audience": row.audience,
            "one_time_jti": row.one_time_jti,
            "link_by_email": row.link_by_email,
            "session_max": session,
            "session_max_unit": session_unit,
        }

    def clean(self):
        data = super().clean()
        for field, minimum in (("max_lifetime", 60), ("session_max", 60)):
            amount, unit = data.get(field), data.get(f"{field}_unit")
            if amount is None or unit is None:
                continue
            seconds = amount * UNIT_SECONDS[unit]
            if not minimum <= seconds <= MAX_DURATION_SECONDS:
                self.add_error(field, "Enter a duration between 1 minute and 365 days.")
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
            "session_max_age_seconds": data["session_max_seconds"],
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
