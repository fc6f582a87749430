"""/users: list and search, get by id or email, create, update, delete."""

from django.http import HttpResponse
from ninja import Query, Router, Status

from parley.accounts import roles, selectors
from parley.accounts import services as accounts
from parley.accounts.models import CreatedVia, Role
from parley.audit import actors
from parley.groups.selectors import with_groups

from .. import schemas, services
from ..schemas import (
    BODY_ERRORS,
    Error,
    LoginMethod,
    SearchText,
    UserCreate,
    UserOut,
    UserPage,
    UserUpdate,
)
from ..security import key_with
from .pagination import Page

router = Router(tags=["Users"])
AUTH_ERRORS = {401: Error, 403: Error}


@router.get(
    "/users", auth=key_with(roles.VIEW_USERS), response={200: UserPage, 422: Error, **AUTH_ERRORS}
)
def list_users(
    request,
    page: Query[Page],
    q: SearchText = "",
    status: schemas.Status | None = None,
    created_via: schemas.CreatedVia | None = None,
    last_login_method: LoginMethod | None = None,
):
    """Users, newest first. `q` matches a user ID exactly or part of an email."""
    users = with_groups(
        selectors.search_users(
            query=q,
            status=status or "",
            created_via=created_via or "",
            last_login_method=last_login_method or "",
        )
    )
    return {
        "items": [UserOut.of(u) for u in users[page.offset : page.offset + page.limit]],
        "total": users.count(),
        "limit": page.limit,
        "offset": page.offset,
    }


@router.post(
    "/users",
    auth=key_with(roles.MANAGE_USERS),
    response={201: UserOut, 409: Error, 422: Error, **AUTH_ERRORS, **BODY_ERRORS},
)
def create_user(request, body: UserCreate):
    """Create an active user; takes a seat (409 `seat_limit_reached` when none is free).
    A role other than member needs a key whose role may give it (403 `role_forbidden`)."""
    if body.role != Role.MEMBER:
        roles.require_may_assign(acting_role=request.auth.role, role=body.role)
    user = accounts.create_user(
        email=body.email,
        public_id=body.id,
        role=body.role,
        metadata=body.metadata,
        created_via=CreatedVia.API,
    )
    return Status(201, UserOut.of(user))


# Declared before /users/{user_id}, which would otherwise take "by-email" for an id.
@router.get(
    "/users/by-email",
    auth=key_with(roles.VIEW_USERS),
    response={200: UserOut, 404: Error, 422: Error, **AUTH_ERRORS},
)
def get_user_by_email(request, email: Query[SearchText]):
    """The user with this email (compared trimmed and lower-cased)."""
    return UserOut.of(services.user_by_email(email))


# {path:…}: a public ID may hold "/" (sent as %2F), "%" (as %25) or any other character.
USER = "/users/{path:user_id}"


@router.get(
    USER, auth=key_with(roles.VIEW_USERS), response={200: UserOut, 404: Error, **AUTH_ERRORS}
)
def get_user(request, user_id: str):
    """The user with this public ID (percent-encode it in the path)."""
    return UserOut.of(services.user_by_public_id(user_id))


@router.patch(
    USER,
    auth=key_with(roles.MANAGE_USERS),
    response={200: UserOut, 404: Error, 409: Error, 422: Error, **AUTH_ERRORS, **BODY_ERRORS},
)
def update_user(request, user_id: str, body: UserUpdate):
    """Change email, metadata, role or status; fields left out stay as they are. All changes
    apply or none: `status: "active"` needs a free seat, and the last owner stays an owner."""
    user = services.user_by_public_id(user_id)
    roles.require_may_act_on(acting_role=request.auth.role, subject_role=user.role)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("role") not in (None, user.role):
        roles.require_may_assign(acting_role=request.auth.role, role=changes["role"])
    if changes.get("metadata", {}) is None:
        del changes["metadata"]
    user = services.update_user(user=user, by=actors.api_key(request.auth), **changes)
    return UserOut.of(user)


@router.delete(
    USER,
    auth=key_with(roles.MANAGE_USERS),
    response={204: None, 404: Error, 409: Error, **AUTH_ERRORS},
)
def delete_user(request, user_id: str):
    """Delete the user for good (their seat is freed)."""
    user = services.user_by_public_id(user_id)
    roles.require_may_act_on(acting_role=request.auth.role, subject_role=user.role)
    accounts.delete_user(user=user)
    return HttpResponse(status=204)
