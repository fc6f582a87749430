"""django-allauth hooks: signup and email login obey the admin settings and the seat rule."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse

from parley.audit import services as audit
from parley.audit.models import Method, Outcome
from parley.errors import EmailLoginDisabled, ParleyError, UserDeactivated
from parley.web.errors import render_error

from . import services
from .models import CreatedVia, Role


class ParleyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        instance = services.get_instance_settings()
        if not (instance.email_login_enabled and instance.email_signup_allowed):
            return False
        usage = services.seat_usage()
        return usage.free is None or usage.free > 0

    def save_user(self, request, user, form, commit=True):
        try:
            return services.create_user(
                email=form.cleaned_data.get("email"), created_via=CreatedVia.EMAIL
            )
        except ParleyError as error:
            raise ImmediateHttpResponse(_failed(request, error, public_user_id="")) from None

    def pre_login(self, request, user, **kwargs):
        instance = services.get_instance_settings()
        if not instance.email_login_enabled and user.role != Role.ADMIN:
            raise ImmediateHttpResponse(
                _failed(request, EmailLoginDisabled("email login is switched off"), user.public_id)
            )
        if not user.is_active:
            raise ImmediateHttpResponse(
                _failed(request, UserDeactivated("user is deactivated"), user.public_id)
            )
        return super().pre_login(request, user, **kwargs)


def _failed(request, error: ParleyError, public_user_id: str):
    event = audit.record_event(
        method=Method.EMAIL,
        outcome=Outcome.FAILURE,
        reason=error.code,
        detail=error.reason,
        request=request,
        public_user_id=public_user_id,
    )
    return render_error(request, error, reference=event.reference)
