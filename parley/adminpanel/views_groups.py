"""Admin Panel → Groups (issue 14): list and search, create, rename, delete, members."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from parley.accounts import roles
from parley.audit import actors
from parley.errors import NotFound, ParleyError
from parley.external_auth.admin_services import find_user
from parley.groups import selectors, services
from parley.groups.models import Group

from .access import role_required
from .forms_groups import AddMemberForm, GroupForm, GroupSearchForm
from .views import _page, _paginate, _user_or_404


def _group_or_404(group_id: int) -> Group:
    try:
        return services.get_group(group_id=group_id)
    except NotFound:
        raise Http404("no such group") from None


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_GROUPS)
def groups(request):
    search = GroupSearchForm(request.GET)
    search.is_valid()
    query = search.cleaned_data.get("q", "")
    form = GroupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.create_group(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                by=actors.user(request.user),
            )
        except ParleyError as error:
            form.add_error("name", error.user_message)
        else:
            messages.success(request, f"Created the group {group.name}.")
            return redirect("adminpanel:group", group_id=group.pk)
    return _page(
        request,
        "adminpanel/groups.html",
        section="groups",
        title="Groups",
        search=search,
        form=form,
        page_obj=_paginate(request, selectors.search_groups(query=query)),
        filtered=bool(query),
    )


def _render_group(request, group: Group, *, form=None, member_form=None):
    search = GroupSearchForm(request.GET)
    search.is_valid()
    query = search.cleaned_data.get("q", "")
    initial = {"name": group.name, "description": group.description}
    return _page(
        request,
        "adminpanel/group_detail.html",
        section="groups",
        title=group.name,
        group=group,
        form=form or GroupForm(initial=initial),
        member_form=member_form or AddMemberForm(),
        search=search,
        filtered=bool(query),
        page_obj=_paginate(request, selectors.members_of(group=group, query=query)),
    )


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_GROUPS)
def group_detail(request, group_id: int):
    """The group's members; a POST renames it or changes its description."""
    group = _group_or_404(group_id)
    if request.method == "GET":
        return _render_group(request, group)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            services.update_group(
                group=group,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                by=actors.user(request.user),
            )
        except ParleyError as error:
            form.add_error("name", error.user_message)
            group.refresh_from_db()
        else:
            messages.success(request, f"Saved the group {group.name}.")
            return redirect("adminpanel:group", group_id=group.pk)
    return _render_group(request, group, form=form)


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_GROUPS)
def group_delete(request, group_id: int):
    """GET asks, naming how many people lose what the group gives them; POST deletes."""
    group = _group_or_404(group_id)
    if request.method == "POST":
        members = services.delete_group(group=group, by=actors.user(request.user))
        people = f"{members} member{'s' if members != 1 else ''}"
        messages.success(request, f"Deleted the group {group.name}; {people} left it.")
        return redirect("adminpanel:groups")
    return _page(
        request,
        "adminpanel/group_delete.html",
        section="groups",
        title=f"Delete {group.name}",
        group=group,
        members=selectors.member_count(group=group),
    )


@require_POST
@role_required(roles.MANAGE_GROUPS)
def group_add_member(request, group_id: int):
    group = _group_or_404(group_id)
    form = AddMemberForm(request.POST)
    if form.is_valid():
        user = find_user(id_or_email=form.cleaned_data["user"])
        if user is None:
            form.add_error("user", "No user has this ID or email address.")
        else:
            services.add_member(group=group, user=user, by=actors.user(request.user))
            messages.success(request, f"Added {user} to {group.name}.")
            return redirect("adminpanel:group", group_id=group.pk)
    return _render_group(request, group, member_form=form)


@require_POST
@role_required(roles.MANAGE_GROUPS)
def group_remove_member(request, group_id: int, public_id: str):
    group = _group_or_404(group_id)
    user = _user_or_404(public_id)
    if services.remove_member(group=group, user=user, by=actors.user(request.user)):
        messages.success(request, f"Removed {user} from {group.name}.")
    else:
        messages.error(request, f"{user} is not in {group.name}.")
    return redirect("adminpanel:group", group_id=group.pk)
