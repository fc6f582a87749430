"""Writing audit events. Every login attempt, of any method, ends up here."""

import secrets

from parley.web.proxy import client_address

from .models import AuthEvent, Method, Outcome

# Unambiguous characters only: people read reference codes aloud to support.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(10))


def record_event(
    *,
    method: str,
    outcome: str,
    reason: str,
    request=None,
    public_user_id: str = "",
    detail: str = "",
    jti: str = "",
    iss: str = "",
    kid: str = "",
    actor: str = "",
) -> AuthEvent:
    user_agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return AuthEvent.objects.create(
        method=method,
        outcome=outcome,
        reason=reason[:64],
        detail=detail[:2000],
        reference=new_reference(),
        public_user_id=(public_user_id or "")[:255],
        client_ip=client_address(request),
        user_agent=user_agent[:512],
        jti=str(jti or "")[:255],
        iss=str(iss or "")[:255],
        kid=str(kid or "")[:255],
        actor=actor[:255],
    )


def record_change(
    *, by: str, reason: str, public_user_id: str = "", detail: str = "", request=None
) -> AuthEvent:
    """An admin change (`reason` such as "group_created"), made `by` someone (see actors)."""
    return record_event(
        method=Method.ADMIN,
        outcome=Outcome.SUCCESS,
        reason=reason,
        request=request,
        public_user_id=public_user_id,
        detail=detail,
        actor=by,
    )
