"""Admin Panel → Branding (issue 15): the instance's name, logo, accent colour, chat welcome
and email sender, through the same rules as `parley branding set` and the API."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from parley.accounts import roles
from parley.branding import services
from parley.branding.logo import MAX_LOGO_BYTES
from parley.branding.selectors import current_brand
from parley.branding.validation import MAX_PROMPTS
from parley.errors import ParleyError

from .access import role_required
from .views import _page

FIELDS = (
    "name",
    "accent_color",
    "welcome_text",
    "email_from_name",
    "email_subject_prefix",
    "return_url",
)


def _render(request, *, form: dict, error: str = ""):
    return _page(
        request,
        "adminpanel/branding.html",
        section="branding",
        title="Branding",
        form=form,
        error=error,
        current=current_brand(),
        max_logo_kib=MAX_LOGO_BYTES // 1024,
    )


def _form_of(brand) -> dict:
    form = {field: getattr(brand, field) for field in FIELDS}
    prompts = list(brand.starter_prompts)
    form["starter_prompts"] = prompts + [""] * (MAX_PROMPTS - len(prompts))
    return form


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_BRANDING)
def branding(request):
    if request.method != "POST":
        return _render(request, form=_form_of(current_brand()))
    form = {field: request.POST.get(field, "") for field in FIELDS}
    form["starter_prompts"] = request.POST.getlist("starter_prompts")[: MAX_PROMPTS + 1]
    changes = dict(form)
    upload = request.FILES.get("logo")
    if upload is not None:
        # One byte past the limit is enough for the size check to refuse it.
        changes["logo"] = upload.read(MAX_LOGO_BYTES + 1)
    elif request.POST.get("remove_logo") == "on":
        changes["logo"] = None
    try:
        services.update_branding(**changes)
    except ParleyError as error:
        form["starter_prompts"] += [""] * (MAX_PROMPTS - len(form["starter_prompts"]))
        return _render(request, form=form, error=error.user_message)
    messages.success(request, "Branding saved. Every page, mail and the widget now use it.")
    return redirect("adminpanel:branding")
