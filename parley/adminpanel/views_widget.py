"""Admin Panel → Widget (DESIGN §5, §6): who may embed the chat widget, how it looks, and the
snippet to paste."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from parley.accounts import roles
from parley.errors import ParleyError
from parley.widget import services
from parley.widget.models import Position

from .access import role_required
from .views import _page


def _render(request, *, form: dict, error: str = ""):
    return _page(
        request,
        "adminpanel/widget.html",
        section="widget",
        title="Widget",
        form=form,
        error=error,
        positions=Position.choices,
        public_url=settings.PUBLIC_URL,
    )


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_SETTINGS)
def widget(request):
    if request.method != "POST":
        found = services.widget_settings()
        form = {
            "allowed_origins": "\n".join(found.allowed_origins),
            "title": found.title,
            "accent_color": services.accent_color(found=found),
            "use_brand_accent": not found.accent_color,
            "position": found.position,
            "open_on_load": found.open_on_load,
        }
        return _render(request, form=form)
    form = {
        "allowed_origins": request.POST.get("allowed_origins", ""),
        "title": request.POST.get("title", ""),
        "accent_color": request.POST.get("accent_color", ""),
        "use_brand_accent": request.POST.get("use_brand_accent") == "on",
        "position": request.POST.get("position", ""),
        "open_on_load": request.POST.get("open_on_load") == "on",
    }
    try:
        services.update_widget_settings(
            allowed_origins=form["allowed_origins"].split(),
            title=form["title"],
            accent_color="" if form["use_brand_accent"] else form["accent_color"],
            position=form["position"],
            open_on_load=form["open_on_load"],
        )
    except ParleyError as error:
        return _render(request, form=form, error=error.user_message)
    messages.success(request, "Widget settings saved.")
    return redirect("adminpanel:widget")
