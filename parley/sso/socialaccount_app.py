"""allauth's socialaccount app, with its provider registry loaded on the first request
instead of at startup.

allauth's own ready() imports every installed provider module, and the OpenID Connect one
imports `requests` (with urllib3, charset_normalizer, ssl): about a tenth of a second in
every process, `parley seats` too, which never uses a provider. Parley looks its providers
up through its own adapter (allauth_adapter.py), and allauth's registry loads itself on
get_class_list() and as_choices(); only registry.get_class() does not, so the registry is
loaded before any request is handled.
"""

from allauth.socialaccount.apps import SocialAccountConfig
from django.core.signals import request_started


def _load_providers(**kwargs):
    from allauth.socialaccount.providers import registry

    registry.load()  # once: returns at once when loaded


class LazySocialAccountConfig(SocialAccountConfig):
    def ready(self) -> None:
        from allauth.socialaccount import checks  # noqa: F401 (what allauth's ready() does)

        request_started.connect(_load_providers, dispatch_uid="parley-socialaccount-providers")
