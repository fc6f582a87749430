"""/seats, /audit-events and /login-links: the rest of what an admin key may do."""

from datetime import timedelta

from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from parley.accounts import login_links, roles
from parley.accounts import services as accounts
from parley.audit.selectors import EventFilter, list_events

from .. import services
from ..schemas import (
    BODY_ERRORS,
    AuditEventOut,
    AuditEventPage,
    AuditMethod,
    AuditOutcome,
    Error,
    LoginLinkIn,
    LoginLinkOut,
    SearchText,
    Seats,
    SeatsUpdate,
    UserOut,
)
from ..security import key_with
from .pagination import Page

router = Router()
AUTH_ERRORS = {401: Error, 403: Error}


def _seats(usage) -> dict:
    return {"used": usage.used, "limit": usage.limit, "free": usage.free}


@router.get(
    "/seats", auth=key_with(roles.VIEW_USERS), response={200: Seats, **AUTH_ERRORS}, tags=["Seats"]
)
def get_seats(request):
    """Seats in use (active users) and the limit."""
    return _seats(accounts.seat_usage())


@router.put(
    "/seats",
    auth=key_with(roles.MANAGE_SEATS),
    response={200: Seats, 422: Error, **AUTH_ERRORS, **BODY_ERRORS},
    tags=["Seats"],
)
def set_seats(request, body: SeatsUpdate):
    """Set the seat limit (null: unlimited). A limit below the seats in use is refused (422)."""
    return _seats(accounts.set_seat_limit(limit=body.limit))


@router.get(
    "/audit-events",
    auth=key_with(roles.VIEW_AUDIT),
    response={200: AuditEventPage, 422: Error, **AUTH_ERRORS},
    tags=["Audit"],
)
def list_audit_events(
    request,
    page: Query[Page],
    method: AuditMethod | None = None,
    outcome: AuditOutcome | None = None,
    reason: SearchText = "",
    q: SearchText = "",
):
    """Login attempts, newest first. `reason` is an error code such as `token_expired`;
    `q` is a reference code, a user ID or a client IP address."""
    events = list_events(
        filters=EventFilter(method=method or "", outcome=outcome or "", reason=reason, query=q)
    )
    return {
        "items": [AuditEventOut.of(e) for e in events[page.offset : page.offset + page.limit]],
        "total": events.count(),
        "limit": page.limit,
        "offset": page.offset,
    }


@router.post(
    "/login-links",
    auth=key_with(roles.MANAGE_USERS),
    response={201: LoginLinkOut, 404: Error, 409: Error, 422: Error, **AUTH_ERRORS, **BODY_ERRORS},
    tags=["Login links"],
)
def create_login_link(request, body: LoginLinkIn, response: HttpResponse):
    """A one-time link that logs the user in, valid `lifetime_minutes` (default 10)."""
    if body.user_id is not None:
        user = services.user_by_public_id(body.user_id)
    else:
        user = services.user_by_email(body.email)
    roles.require_may_act_on(acting_role=request.auth.role, subject_role=user.role)
    lifetime = timedelta(minutes=body.lifetime_minutes)
    # Taken before the link is made, so the link never expires before the time we report.
    expires_at = timezone.now() + lifetime
    url = login_links.create_login_link(
        user=user, lifetime=lifetime, created_by=f"api:{request.auth.prefix}"
    )
    response["Cache-Control"] = "no-store"
    return Status(201, {"url": url, "expires_at": expires_at, "user": UserOut.of(user)})
