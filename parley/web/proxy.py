"""Forwarded headers count only from trusted proxies: the client's address, and the rule
that strips the headers an untrusted peer sent, for Django pages and the ASGI streams."""

import io
import ipaddress
import json

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.http.request import split_domain_port

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# X-Forwarded-For, -Proto (Django's SECURE_PROXY_SSL_HEADER), -Host (USE_X_FORWARDED_HOST),
# -Port, and the standard Forwarded header, as WSGI names them.
FORWARDED_META = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
)
FORWARDED_HEADERS = frozenset(
    name.removeprefix("HTTP_").replace("_", "-").lower().encode() for name in FORWARDED_META
)


def parse_address(text: str | None) -> IPAddress | None:
    """An address as peers and proxies write it: bare, `[v6]`, or with a `:port`. An IPv4
    address a dual-stack socket reports as ::ffff:a.b.c.d is that IPv4 address."""
    text = (text or "").strip()
    try:
        address = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        host, _port = split_domain_port(text)
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(address: IPAddress | None) -> bool:
    if address is None or not settings.PARLEY_BEHIND_PROXY:
        return False
    return any(address in network for network in settings.PARLEY_TRUSTED_PROXIES)


def client_address(request) -> str | None:
    """Who is asking: the peer, or — when the peer is a trusted proxy — the right-most
    address in X-Forwarded-For that is not a trusted proxy. Everything to its left was
    written by the client itself, so it is never believed. Audit events, Parley's failure
    limits and allauth's per-address limits all count this address."""
    if request is None:
        return None
    return _client(request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR", ""))


def scope_client_address(scope: dict) -> str | None:
    """client_address for an ASGI scope (the access log sees every request that way)."""
    forwarded = ",".join(
        value.decode("latin-1")
        for name, value in scope.get("headers", ())
        if name == b"x-forwarded-for"
    )
    return _client((scope.get("client") or ("",))[0], forwarded)


def _client(peer: str | None, forwarded_for: str) -> str | None:
    address = parse_address(peer)
    if not is_trusted_proxy(address):
        return None if address is None else str(address)
    for hop in reversed(forwarded_for.split(",")):
        forwarded = parse_address(hop)
        if forwarded is None:
            break  # garbage a trusted proxy passed on: the last address it vouched for stands
        address = forwarded
        if not is_trusted_proxy(address):
            break
    return str(address)


class ForwardedHeadersMiddleware:
    """Deletes forwarded headers unless a trusted proxy sent them, so Django's own readers
    (SECURE_PROXY_SSL_HEADER for https, USE_X_FORWARDED_HOST for the host) believe them
    only then. First in MIDDLEWARE: nothing may read them before."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(parse_address(request.META.get("REMOTE_ADDR"))):
            for name in FORWARDED_META:
                request.META.pop(name, None)
        return self.get_response(request)


def guard_stream(route):
    """The same two rules for a native ASGI handler, which Django's middleware never sees:
    forwarded headers only from trusted proxies, and a 400 for a host not in ALLOWED_HOSTS."""

    async def guarded(scope, receive, send):
        if scope["type"] == "http":
            scope = _trusted_scope(scope)
            if not _host_allowed(scope):
                body = {"code": "bad_host", "message": "This address does not serve Parley."}
                await send(
                    {
                        "type": "http.response.start",
                        "status": 400,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": json.dumps(body).encode()})
                return
        await route(scope, receive, send)

    return guarded


def _trusted_scope(scope: dict) -> dict:
    peer = parse_address((scope.get("client") or ("",))[0])
    if is_trusted_proxy(peer):
        return scope
    headers = [(name, value) for name, value in scope["headers"] if name not in FORWARDED_HEADERS]
    return {**scope, "headers": headers}


def _host_allowed(scope: dict) -> bool:
    """Django's own get_host() check (ALLOWED_HOSTS, X-Forwarded-Host when trusted)."""
    try:
        ASGIRequest(scope, io.BytesIO()).get_host()
    except DisallowedHost:
        return False
    return True
