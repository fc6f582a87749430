"""Bench-only: Parley through Django's own ASGI handler, for the (d) comparison line."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
application = get_asgi_application()
