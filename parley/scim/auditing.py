"""Every SCIM change, and every refused SCIM request, in the audit log with the token's name
(as its actor). Group changes are recorded by parley.groups.services, with the same actor."""

from parley.audit import actors
from parley.audit.models import Method, Outcome
from parley.audit.services import record_event

from .models import ScimToken


def record_change(
    *, token: ScimToken, reason: str, detail: str, request=None, public_user_id: str = ""
) -> None:
    record_event(
        method=Method.SCIM,
        outcome=Outcome.SUCCESS,
        reason=reason,
        detail=f"{actors.scim_token(token)}: {detail}",
        request=request,
        public_user_id=public_user_id,
        actor=actors.scim_token(token),
    )


def record_refusal(*, token: ScimToken | None, reason: str, detail: str, request=None) -> str:
    """Audit a refused SCIM request; returns the event's reference code."""
    who = (
        f"SCIM token “{token.name}”" if token is not None else "SCIM request without a valid token"
    )
    event = record_event(
        method=Method.SCIM,
        outcome=Outcome.FAILURE,
        reason=reason,
        detail=f"{who}: {detail}",
        request=request,
        actor=actors.scim_token(token) if token is not None else "",
    )
    return event.reference
