"""Admin Panel → API keys (DESIGN §5, §8): make a key (shown once, in the response to the POST
that made it), see when each was last used, revoke."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from parley.api import keys
from parley.api.models import ApiKey
from parley.errors import ParleyError

from .access import admin_required
from .views import _page


def _render(request, *, new_key: str = "", new_key_name: str = "", error: str = "", name=""):
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
    )


@require_http_methods(["GET", "POST"])
@admin_required
def api_keys(request):
    if request.method != "POST":
        return _render(request)
    name = request.POST.get("name", "")
    try:
        key, secret = keys.create_api_key(name=name, created_by=f"admin:{request.user.public_id}")
    except ParleyError as error:
        return _render(request, error=error.user_message, name=name)
    return _render(request, new_key=secret, new_key_name=key.name)


@require_POST
@admin_required
def api_key_revoke(request, key_id: int):
    key = keys.revoke_api_key(key=get_object_or_404(ApiKey, pk=key_id))
    messages.success(request, f"The key “{key.name}” ({key.prefix}…) is revoked.")
    return redirect("adminpanel:apikeys")
