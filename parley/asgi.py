"""The thin ASGI entry granian serves (DESIGN §1).

Paths an app registered as a stream route (parley/web/streams.py, filled by each app's
`streaming` module) go to native async handlers; every other request goes to Django's WSGI
application through PagesBridge (parley/web/wsgi_bridge.py), several times faster for
ordinary pages than Django's own ASGI handler. Figures: bench/README.md.
"""

import logging
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")

from django.utils.module_loading import autodiscover_modules  # noqa: E402

from parley.web.access_log import access_line  # noqa: E402
from parley.web.streams import shut_down, stream_route  # noqa: E402
from parley.web.wsgi_bridge import PagesBridge  # noqa: E402
from parley.wsgi import application as django_wsgi  # noqa: E402  (sets Django up)

autodiscover_modules("streaming")  # every app's stream routes, e.g. parley/chat/streaming.py
access_log = logging.getLogger("parley.access")
pages = PagesBridge(django_wsgi, threads=int(os.environ.get("PARLEY_WSGI_THREADS", "8")))


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    handler = stream_route(scope.get("path", "")) or pages
    if scope["type"] != "http":
        if handler is pages:  # websockets: none served yet
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1000})
            return
        await handler(scope, receive, send)
        return
    if not access_log.isEnabledFor(logging.INFO):
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
        milliseconds = (time.perf_counter() - started) * 1000
        access_log.info(access_line(scope, status=status, milliseconds=milliseconds))


async def _lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await shut_down()
            await send({"type": "lifespan.shutdown.complete"})
            return
