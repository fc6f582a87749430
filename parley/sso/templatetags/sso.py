"""The login page's single sign-on buttons."""

from django import template

from parley.sso import selectors
from parley.sso.services import authorization_origin, login_url
from parley.web.security_headers import allow_form_action

register = template.Library()


@register.inclusion_tag("sso/buttons.html", takes_context=True)
def sso_buttons(context):
    request = context.get("request")
    next_url = request.GET.get("next", "") if request is not None else ""
    providers = selectors.enabled_providers()
    if request is not None:
        for provider in providers:
            allow_form_action(request, authorization_origin(provider))
    buttons = [
        {
            "label": provider.label,
            "slug": provider.slug,
            "url": login_url(provider),
        }
        for provider in providers
    ]
    return {"buttons": buttons, "next": next_url, "sso_only": selectors.sso_only()}
