"""Admin Panel → API keys (DESIGN §5, §8): make a key (shown once, in the response to the POST
that made it), see when each was last used, revoke."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from parley.accounts import roles
from parley.accounts.models import Role
from parley.api import keys
from parley.api.models import ApiKey
from parley.errors import ParleyError

from .access import role_required
from .views import _page


def _render(
    request, *, new_key="", new_key_name="", error="", name="", role=Role.AUDITOR
) -> HttpResponse:
    acting_role = request.user.role
    return _page(
        request,
        "adminpanel/apikeys.html",
        section="apikeys",
        title="API keys",
        api_keys=keys.list_api_keys(),
        new_key=new_key,
        new_key_name=new_key_name,
        error=error,
        name=name,
        role=role,
        # A key's role is at most its creator's (keys.create_api_key checks it again).
        role_choices=[
            (r, Role(r).label)
            for r in Role.values
            if roles.is_staff(r) and roles.outranks_or_equals(acting_role, r)
        ],
    )


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_API_KEYS)
def api_keys(request):
    if request.method != "POST":
        return _render(request)
    name = request.POST.get("name", "")
    role = request.POST.get("role", "")
    try:
        key, secret = keys.create_api_key(
            name=name,
            role=role,
            acting_role=request.user.role,
            created_by=f"admin:{request.user.public_id}",
        )
    except ParleyError as error:
        return _render(request, error=error.user_message, name=name, role=role)
    return _render(request, new_key=secret, new_key_name=key.name)


@require_POST
@role_required(roles.MANAGE_API_KEYS)
def api_key_revoke(request, key_id: int):
    key = get_object_or_404(ApiKey, pk=key_id)
    try:
        roles.require_may_act_on(acting_role=request.user.role, subject_role=key.role)
    except ParleyError as error:
        messages.error(request, error.user_message)
        return redirect("adminpanel:apikeys")
    key = keys.revoke_api_key(key=key)
    messages.success(request, f"The key “{key.name}” ({key.prefix}…) is revoked.")
    return redirect("adminpanel:apikeys")
