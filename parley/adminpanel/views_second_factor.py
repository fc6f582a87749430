"""Admin Panel: the owner's second-factor requirement for staff, and resetting a person's
second factors (parley.accounts.second_factor)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from parley.accounts import roles, second_factor
from parley.audit import actors
from parley.errors import ParleyError

from .access import role_required
from .views import _user_or_404


class SecondFactorPolicyForm(forms.Form):
    required = forms.BooleanField(required=False)
    grace_days = forms.IntegerField(min_value=0, max_value=second_factor.MAX_GRACE_DAYS)


@require_POST
@role_required(roles.MANAGE_SECOND_FACTORS)
def second_factor_policy(request):
    form = SecondFactorPolicyForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "The grace period must be a whole number of days between 0 and "
            f"{second_factor.MAX_GRACE_DAYS}; nothing was changed.",
        )
        return redirect("adminpanel:authentication")
    try:
        policy = second_factor.set_policy(
            required=form.cleaned_data["required"],
            grace_days=form.cleaned_data["grace_days"],
            by=actors.user(request.user),
        )
    except ParleyError as error:
        messages.error(request, error.user_message)
        return redirect("adminpanel:authentication")
    messages.success(
        request,
        f"Staff must enrol a second factor within {policy.grace_days} days of becoming staff."
        if policy.required
        else "A second factor is no longer required of staff.",
    )
    return redirect("adminpanel:authentication")


@require_POST
@role_required(roles.MANAGE_SECOND_FACTORS)
def user_reset_second_factors(request, public_id: str):
    user = _user_or_404(public_id)
    removed = second_factor.reset_factors(user=user, by=actors.user(request.user), request=request)
    messages.success(
        request,
        f"Removed {removed} second factor{'s' if removed != 1 else ''} of {user}: they log in "
        "by email alone until they enrol again.",
    )
    return redirect("adminpanel:user", public_id=user.public_id)
