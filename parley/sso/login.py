"""The end of every SSO login, whatever the protocol: provision, start the session, audit;
or refuse with Parley's error page and the audit event's reference."""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from parley.accounts.models import LoginMethod
from parley.accounts.sessions import log_user_in
from parley.audit import services as audit
from parley.audit.models import Method, Outcome
from parley.errors import AuthError
from parley.web.errors import render_error

from .models import Provider
from .provisioning import SsoClaims, provision_sso_user
from .services import get_sso_settings


def finish_login(request, *, provider: Provider, claims: SsoClaims, next_url: str | None):
    """Log in the person the verified `claims` name; the response to send."""
    try:
        provisioned = provision_sso_user(
            provider=provider, claims=claims, sso_settings=get_sso_settings()
        )
    except AuthError as error:
        return refuse(request, error, provider=provider, subject=claims.subject)
    user = provisioned.user
    log_user_in(request, user=user, method=LoginMethod.SSO)
    audit.record_event(
        method=Method.SSO,
        outcome=Outcome.SUCCESS,
        reason="ok",
        request=request,
        public_user_id=user.public_id,
        detail="; ".join([f"provider {provider.name}", *provisioned.notes]),
        iss=provider.issuer,
    )
    target = next_url or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)


def refuse(request, error: AuthError, *, provider: Provider | None, subject: str = ""):
    """Audit the failed SSO login and answer with the error page naming its reference."""
    where = f"provider {provider.name}: " if provider is not None else ""
    event = audit.record_event(
        method=Method.SSO,
        outcome=Outcome.FAILURE,
        reason=error.code,
        request=request,
        public_user_id=_public_id_of(provider, subject),
        detail=f"{where}{error.reason}",
        iss=provider.issuer if provider is not None else "",
    )
    response = render_error(request, error, reference=event.reference)
    response["Referrer-Policy"] = "no-referrer"  # the callback URL holds a code
    return response


def _public_id_of(provider: Provider | None, subject: str) -> str:
    if provider is None or not subject:
        return ""
    identity = provider.identities.select_related("user").filter(subject=subject).first()
    return identity.user.public_id if identity else ""
