"""`{% static %}` with each path's URL worked out once per process.

Settings name this library "static" (TEMPLATES' `libraries`), so every `{% load static %}`,
allauth's templates too, gets it. Django's tag asks the storage on every use: about 0.08 ms a
call, and the chat home makes eleven (bench/README.md, issue 16). A path's URL cannot change
while the process runs (the manifest is read at start), except when tests change the static
settings: then the remembered URLs are dropped.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.template import Library
from django.templatetags import static as django_static
from django.templatetags.static import StaticNode, static

register = Library()
# Django's other tags of the library (get_static_prefix, get_media_prefix) stay as they are.
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)


@lru_cache(maxsize=1024)
def static_url(path: str) -> str:
    return static(path)


class CachedStaticNode(StaticNode):
    def url(self, context):
        path = self.path.resolve(context)
        return static_url(path) if isinstance(path, str) else super().url(context)


@register.tag("static")
def do_static(parser, token):
    return CachedStaticNode.handle_token(parser, token)


def _forget(*, setting, **kwargs):
    if setting in ("STATIC_URL", "STORAGES", "STATICFILES_STORAGE", "STATIC_ROOT"):
        static_url.cache_clear()


setting_changed.connect(_forget)
