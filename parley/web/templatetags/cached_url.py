"""`{% url 'name' %}` with no arguments, worked out once per process.

Settings add this library to the template builtins (TEMPLATES' `builtins`), after Django's
own, so its `url` tag replaces Django's in every template, allauth's too. A page's layout
and the chat home name about ten fixed URLs, and each `reverse()` cost ~0.05 ms, over a
tenth of the chat home's CPU (bench/README.md, issue 16). A URL with arguments, or
`{% url … as var %}`, is left to Django's tag unchanged.

The remembered text is keyed by everything `reverse()` reads besides the name: the current
app, the script prefix and the URLconf (both per request in Django), and autoescape; and
it is dropped when the URL settings change (tests).
"""

from django.core.signals import setting_changed
from django.template import Library, defaulttags
from django.urls import get_script_prefix, get_urlconf

register = Library()

_REMEMBERED: dict[tuple, str] = {}
_MAX_REMEMBERED = 2048  # fixed names only: a bound against anything unforeseen


class FixedURLNode(defaulttags.URLNode):
    def render(self, context):
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        key = (
            self.view_name.resolve(context),
            current_app,
            get_script_prefix(),
            get_urlconf(),
            context.autoescape,
        )
        url = _REMEMBERED.get(key)
        if url is None:
            url = super().render(context)
            if len(_REMEMBERED) < _MAX_REMEMBERED:
                _REMEMBERED[key] = url
        return url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    if node.args or node.kwargs or node.asvar:
        return node
    return FixedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


def _forget(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _REMEMBERED.clear()


setting_changed.connect(_forget)
