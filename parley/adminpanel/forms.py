"""The admin panel's forms. They check the shape of the input; the rules live in services."""

from django import forms

from parley.accounts.models import CreatedVia, LoginMethod, Role, Status
from parley.accounts.roles import assignable_roles
from parley.audit.models import AuthEvent, Method, Outcome


def _any(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


# Email signups awaiting their code are no users yet, so the users list never shows them.
USER_STATUSES = [(value, label) for value, label in Status.choices if value != Status.UNCONFIRMED]


class UserFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=255, strip=True)
    status = forms.ChoiceField(required=False, choices=_any("Any status", USER_STATUSES))
    created_via = forms.ChoiceField(
        required=False, choices=_any("Created any way", CreatedVia.choices)
    )
    login = forms.ChoiceField(required=False, choices=_any("Any last login", LoginMethod.choices))


class CreateUserForm(forms.Form):
    # An email's validity is a service rule (clean_email), so the field is plain text here.
    email = forms.CharField(max_length=254, strip=True)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args, acting_role: str, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the roles this admin may give (roles.assignable_roles); members always.
        allowed = set(assignable_roles(acting_role)) | {Role.MEMBER}
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in allowed]


class SeatLimitForm(forms.Form):
    limit = forms.IntegerField(required=False, min_value=0, max_value=10_000_000)
    unlimited = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("unlimited") and data.get("limit") is None:
            raise forms.ValidationError("Enter a number of seats, or tick “Unlimited”.")
        return data

    def seat_limit(self) -> int | None:
        return None if self.cleaned_data["unlimited"] else self.cleaned_data["limit"]


class EmailLoginSettingsForm(forms.Form):
    enabled = forms.BooleanField(required=False)
    signup_allowed = forms.BooleanField(required=False)
    signup_needs_approval = forms.BooleanField(required=False)


class AuditFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=255, strip=True)
    method = forms.ChoiceField(required=False, choices=_any("Any method", Method.choices))
    outcome = forms.ChoiceField(required=False, choices=_any("Any outcome", Outcome.choices))
    reason = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Reasons are error codes from several apps; offer the ones that have occurred.
        reasons = AuthEvent.objects.order_by("reason").values_list("reason", flat=True).distinct()
        self.fields["reason"].choices = _any("Any reason", [(r, r) for r in reasons])
