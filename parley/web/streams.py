"""Native async routes beside Django's pages: each app that streams registers its routes
in its `streaming` module, which parley/asgi.py imports (autodiscover) before serving."""

from parley.ops.metrics import track_stream
from parley.web.proxy import guard_stream

_routes: dict[str, object] = {}  # path prefix -> ASGI callable, already wrapped
_prefixes: tuple[str, ...] = ()  # the same prefixes: one C-level startswith per request
_shutdown_hooks: list = []


def register_stream_route(prefix: str, handler) -> None:
    """Send every path under `prefix` ("/chat/stream/") to `handler`, an ASGI callable.
    Django's middleware never sees it, so its host check and forwarded-header rule come
    along (parley/web/proxy.py); track_stream counts the open streams."""
    global _prefixes
    if not (prefix.startswith("/") and prefix.endswith("/")):
        raise ValueError(f"a stream route's prefix starts and ends with '/', not {prefix!r}")
    if prefix in _routes:
        raise ValueError(f"{prefix!r} already has a stream route")
    _routes[prefix] = track_stream(guard_stream(handler))
    _prefixes = tuple(_routes)


def stream_route(path: str):
    """The handler for `path`, or None for a page (Django)."""
    if not path.startswith(_prefixes):  # nearly every request: pages
        return None
    for prefix, route in _routes.items():
        if path.startswith(prefix):
            return route


def on_shutdown(hook) -> None:
    """`await hook()` when the server stops (ASGI lifespan), e.g. to close HTTP clients."""
    _shutdown_hooks.append(hook)


async def shut_down() -> None:
    for hook in _shutdown_hooks:
        await hook()
