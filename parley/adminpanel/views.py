"""Admin panel pages (DESIGN §5): users, seats, user authentication and the audit log.

Views only translate between HTTP and parley.accounts / parley.audit services and selectors.
"""

import json
from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parley.accounts import login_links, roles, second_factor, selectors, services, signups
from parley.accounts.models import CreatedVia, Role, Status, User
from parley.audit import actors
from parley.audit.selectors import EventFilter, list_events, recent_events_for
from parley.errors import NotFound, ParleyError, RoleForbidden, SeatLimitReached
from parley.external_auth.services import get_jwt_settings
from parley.groups.selectors import memberships_of

from .access import role_required
from .forms import (
    AuditFilterForm,
    CreateUserForm,
    EmailLoginSettingsForm,
    UserFilterForm,
)

PAGE_SIZE = 50
RECENT_EVENTS = 20


def _page(request, template: str, *, section: str, title: str, **context):
    """Render an admin page; `section` highlights its entry in the side navigation."""
    return render(request, template, {"section": section, "title": f"{title} · Admin", **context})


def _paginate(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _admin_message(error: ParleyError) -> str:
    """The end-user wording of a seat error asks for an administrator; the admin needs more."""
    if isinstance(error, SeatLimitReached):
        return services.no_free_seat_message()
    return error.user_message


def _user_or_404(public_id: str) -> User:
    try:
        return services.get_user(public_id=public_id)
    except NotFound:
        raise Http404("no such user") from None


def _perform(request, subject: User, action: Callable[[], object], success: str) -> bool:
    """Run an admin's action on `subject`; a refusal (their role, the seat limit, the last
    owner) is shown as a message and changes nothing."""
    try:
        roles.require_may_act_on(acting_role=request.user.role, subject_role=subject.role)
        action()
    except ParleyError as error:
        messages.error(request, _admin_message(error))
        return False
    messages.success(request, success)
    return True


@require_GET
@role_required(roles.VIEW_USERS)
def users(request):
    form = UserFilterForm(request.GET)
    form.is_valid()  # invalid values are dropped from cleaned_data and reported on the page
    filters = form.cleaned_data
    matching = selectors.search_users(
        query=filters.get("q", ""),
        status=filters.get("status", ""),
        created_via=filters.get("created_via", ""),
        last_login_method=filters.get("login", ""),
    )
    return _page(
        request,
        "adminpanel/users.html",
        section="users",
        title="Users",
        form=form,
        page_obj=_paginate(request, matching),
        filtered=any(filters.values()),
        usage=services.seat_usage(),
        pending_signups=signups.count_pending_signups(),
        awaiting_approval=signups.count_awaiting_approval(),
    )


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_USERS)
def user_create(request):
    form = CreateUserForm(request.POST or None, acting_role=request.user.role)
    if request.method == "POST" and form.is_valid():
        try:
            roles.require_may_assign(acting_role=request.user.role, role=form.cleaned_data["role"])
            user = services.create_user(
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                created_via=CreatedVia.ADMIN,
            )
        except SeatLimitReached as error:
            form.add_error(None, _admin_message(error))
        except RoleForbidden as error:
            form.add_error("role", error.user_message)
        except ParleyError as error:
            form.add_error("email", error.user_message)
        else:
            messages.success(request, f"Created {user.email} (user ID {user.public_id}).")
            return redirect("adminpanel:user", public_id=user.public_id)
    return _page(
        request,
        "adminpanel/user_create.html",
        section="users",
        title="Add user",
        form=form,
        usage=services.seat_usage(),
    )


def _render_user(request, user: User, **extra):
    events = recent_events_for(public_user_id=user.public_id, limit=RECENT_EVENTS)
    metadata = json.dumps(user.metadata, indent=2, sort_keys=True, ensure_ascii=False)
    return _page(
        request,
        "adminpanel/user_detail.html",
        section="users",
        title=user.email or f"User {user.public_id}",
        subject=user,
        metadata=metadata,
        events=events,
        memberships=memberships_of(user=user),
        second_factors=second_factor.factor_types(user=user),
        is_self=user.pk == request.user.pk,
        may_act=roles.outranks_or_equals(request.user.role, user.role),
        role_choices=[(r, Role(r).label) for r in roles.assignable_roles(request.user.role)],
        **extra,
    )


@require_GET
@role_required(roles.VIEW_USERS)
def user_detail(request, public_id: str):
    return _render_user(request, _user_or_404(public_id))


@require_POST
@role_required(roles.MANAGE_USERS)
def user_deactivate(request, public_id: str):
    user = _user_or_404(public_id)
    _perform(request, user, lambda: services.deactivate_user(user=user), f"{user} was deactivated.")
    return redirect("adminpanel:user", public_id=user.public_id)


@require_POST
@role_required(roles.MANAGE_USERS)
def user_reactivate(request, public_id: str):
    user = _user_or_404(public_id)
    _perform(request, user, lambda: services.reactivate_user(user=user), f"{user} is active again.")
    return redirect("adminpanel:user", public_id=user.public_id)


@require_POST
@role_required(roles.MANAGE_ROLES)
def user_role(request, public_id: str):
    user = _user_or_404(public_id)
    role = request.POST.get("role", "")
    label = dict(Role.choices).get(role, role)

    def change():
        roles.require_may_assign(acting_role=request.user.role, role=role)
        services.set_role(user=user, role=role, by=actors.user(request.user))

    _perform(request, user, change, f"{user} is now {label}.")
    return redirect("adminpanel:user", public_id=user.public_id)


@require_POST
@role_required(roles.MANAGE_USERS)
def user_approve(request, public_id: str):
    user = _user_or_404(public_id)
    _perform(request, user, lambda: signups.approve_signup(user=user), f"{user} is approved.")
    return redirect("adminpanel:user", public_id=user.public_id)


@require_POST
@role_required(roles.MANAGE_USERS)
def user_reject(request, public_id: str):
    user = _user_or_404(public_id)
    rejected = f"{user} was turned away; their account is deleted."
    if _perform(request, user, lambda: signups.reject_signup(user=user), rejected):
        return redirect(f"{reverse('adminpanel:users')}?status={Status.PENDING}")
    return redirect("adminpanel:user", public_id=user.public_id)


@require_POST
@role_required(roles.MANAGE_USERS)
def user_delete(request, public_id: str):
    user = _user_or_404(public_id)
    if _perform(request, user, lambda: services.delete_user(user=user), f"{user} was deleted."):
        return redirect("adminpanel:users")
    return redirect("adminpanel:user", public_id=user.public_id)


@require_POST
@role_required(roles.MANAGE_USERS)
def user_login_link(request, public_id: str):
    """Render the link in this response only: it is never stored or put in a URL."""
    user = _user_or_404(public_id)
    lifetime = login_links.DEFAULT_LIFETIME
    expires_at = timezone.now() + lifetime
    try:
        roles.require_may_act_on(acting_role=request.user.role, subject_role=user.role)
        url = login_links.create_login_link(
            user=user, lifetime=lifetime, created_by=f"admin:{request.user.public_id}"
        )
    except ParleyError as error:
        messages.error(request, error.user_message)
        return redirect("adminpanel:user", public_id=user.public_id)
    # No "Referrer-Policy: no-referrer" here: the link is in the body, not the URL, and that
    # policy makes browsers send "Origin: null" with this page's forms, failing CSRF.
    return _render_user(request, user, login_link=url, login_link_expires_at=expires_at)


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_SETTINGS)
def authentication(request):
    current = services.get_instance_settings()
    initial = {
        "enabled": current.email_login_enabled,
        "signup_allowed": current.email_signup_allowed,
        "signup_needs_approval": current.signup_needs_approval,
    }
    form = EmailLoginSettingsForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        services.update_email_login_settings(
            enabled=form.cleaned_data["enabled"],
            signup_allowed=form.cleaned_data["signup_allowed"],
            signup_needs_approval=form.cleaned_data["signup_needs_approval"],
        )
        messages.success(request, "Email login settings saved.")
        return redirect("adminpanel:authentication")
    return _page(
        request,
        "adminpanel/authentication.html",
        section="authentication",
        title="User Authentication",
        email_form=form,
        jwt_enabled=get_jwt_settings().enabled,
        second_factor_policy=second_factor.get_policy(),
    )


@require_GET
@role_required(roles.VIEW_AUDIT)
def audit(request):
    form = AuditFilterForm(request.GET)
    form.is_valid()  # invalid values are dropped from cleaned_data and reported on the page
    filters = form.cleaned_data
    events = list_events(
        filters=EventFilter(
            method=filters.get("method", ""),
            outcome=filters.get("outcome", ""),
            reason=filters.get("reason", ""),
            query=filters.get("q", ""),
        )
    )
    page_obj = _paginate(request, events)
    people = selectors.users_by_public_id(event.public_user_id for event in page_obj)
    for event in page_obj:
        event.person = people.get(event.public_user_id)
    return _page(
        request,
        "adminpanel/audit.html",
        section="audit",
        title="Audit log",
        form=form,
        page_obj=page_obj,
        filtered=any(filters.values()),
    )
