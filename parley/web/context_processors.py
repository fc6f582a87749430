from django.conf import settings
from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import AnonymousUser
from django.utils.functional import LazyObject, empty


def site(request):
    # site_name comes from parley.branding.context_processors.branding.
    return {"public_url": settings.PUBLIC_URL}


def auth(request):
    """Django's `user` and `perms`, with the user itself instead of request.user's lazy
    proxy: a page reads `user` dozens of times (the layout, the account page), and every
    read through the proxy cost about as much as a template variable (issue 16)."""
    user = getattr(request, "user", None)
    if user is None:
        user = AnonymousUser()
    elif isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return {"user": user, "perms": PermWrapper(user)}
