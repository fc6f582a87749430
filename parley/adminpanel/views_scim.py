"""Admin Panel → Provisioning: SCIM tokens for an identity provider (made and shown once,
last use shown, revoked), and the base URL to give it (docs/scim.md)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from parley.accounts import roles
from parley.errors import NotFound, ParleyError
from parley.scim import tokens

from .access import role_required
from .views import _page


def _render(request, *, new_token="", new_token_name="", error="", name="") -> HttpResponse:
    return _page(
        request,
        "adminpanel/provisioning.html",
        section="provisioning",
        title="Provisioning",
        scim_tokens=tokens.list_tokens(),
        base_url=request.build_absolute_uri(reverse("scim:root")).rstrip("/"),
        new_token=new_token,
        new_token_name=new_token_name,
        error=error,
        name=name,
    )


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_SCIM)
def provisioning(request):
    if request.method != "POST":
        return _render(request)
    name = request.POST.get("name", "")
    try:
        token, secret = tokens.create_token(
            name=name, created_by=f"admin:{request.user.public_id}", request=request
        )
    except ParleyError as error:
        return _render(request, error=error.user_message, name=name)
    return _render(request, new_token=secret, new_token_name=token.name)


@require_POST
@role_required(roles.MANAGE_SCIM)
def scim_token_revoke(request, token_id: int):
    try:
        token = tokens.get_token(token_id=token_id)
    except NotFound:
        raise Http404 from None
    token = tokens.revoke_token(
        token=token, revoked_by=f"admin:{request.user.public_id}", request=request
    )
    messages.success(request, f"The SCIM token “{token.name}” ({token.prefix}…) is revoked.")
    return redirect("adminpanel:provisioning")
