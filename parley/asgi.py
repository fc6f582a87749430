"""The thin ASGI entry granian serves (DESIGN §1).

Long-lived streams (chat SSE, later) go to native async handlers registered in
ASYNC_ROUTES; every other request goes to Django's WSGI application through a2wsgi, which
is several times faster for ordinary pages than Django's own ASGI handler.
"""

import logging
import os
import time

from a2wsgi import WSGIMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")

from parley.web.scrub import scrub  # noqa: E402
from parley.wsgi import application as django_wsgi  # noqa: E402

access_log = logging.getLogger("parley.access")

# path prefix -> async ASGI callable; filled in by the apps that stream.
ASYNC_ROUTES: dict[str, object] = {}

pages = WSGIMiddleware(django_wsgi, workers=int(os.environ.get("PARLEY_WSGI_THREADS", "8")))


async def _lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    handler = pages
    path = scope.get("path", "")
    for prefix, route in ASYNC_ROUTES.items():
        if path.startswith(prefix):
            handler = route
            break
    if scope["type"] != "http" or not access_log.isEnabledFor(logging.INFO):
        await handler(scope, receive, send)
        return

    started = time.perf_counter()
    status = 0

    async def send_with_status(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        await send(message)

    try:
        await handler(scope, receive, send_with_status)
    finally:
        query = scope.get("query_string", b"").decode("latin-1")
        target = path + ("?" + query if query else "")
        client = (scope.get("client") or ("-",))[0]
        access_log.info(
            '%s "%s %s" %s %.1fms',
            client,
            scope.get("method", "-"),
            scrub(target),
            status,
            (time.perf_counter() - started) * 1000,
        )
