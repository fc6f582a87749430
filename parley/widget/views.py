"""/widget.js, the frame page it embeds, and the frame's JSON endpoints. The frame holds a
bearer token (never a cookie), so these endpoints need no CSRF protection."""

import hashlib
from functools import wraps
from pathlib import Path

from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parley.accounts import tokens
from parley.chat import conversations as chat
from parley.errors import AuthError, ParleyError
from parley.external_auth.login import exchange_code_for_token
from parley.web.json_body import request_json

from . import services


def _served(source: bytes) -> bytes:
    """widget.js as sent to every visitor of every embedding site: without its comment lines
    and indentation (the file stays readable; what loads on a customer's page stays small)."""
    lines = (line.strip() for line in source.decode().splitlines())
    return ("\n".join(line for line in lines if line and not line.startswith("//")) + "\n").encode()


SCRIPT = _served((Path(__file__).parent / "static" / "widget" / "widget.js").read_bytes())
SCRIPT_ETAG = '"' + hashlib.sha256(SCRIPT).hexdigest()[:20] + '"'
MAX_LOGIN_BODY = 16 * 1024


def _error(error: ParleyError, **extra) -> JsonResponse:
    response = JsonResponse(
        {"code": error.code, "message": error.user_message, **extra}, status=error.status
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def widget_js(request):
    """The integrator's URL has no version in it, so browsers revalidate every few minutes
    and get a 304 while the script is unchanged."""
    if SCRIPT_ETAG in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(SCRIPT, content_type="text/javascript; charset=utf-8")
    response["ETag"] = SCRIPT_ETAG
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
@never_cache
@xframe_options_exempt  # frame-ancestors below says who may frame it
def frame(request):
    found = services.widget_settings()
    response = render(
        request,
        "widget/frame.html",
        {
            "widget": found,
            "config": {
                "allowedOrigins": found.allowed_origins,
                "appearance": {
                    "title": found.title,
                    "accentColor": services.accent_color(found=found),
                    "position": found.position,
                    "openOnLoad": found.open_on_load,
                },
                "loginUrl": reverse("widget_login"),
                "conversationsUrl": reverse("widget_conversations"),
                "streamUrl": "/chat/stream/",  # parley/chat/stream.py, outside the URLconf
                "logoutUrl": "/api/v1/auth/logout",
            },
        },
    )
    response["Content-Security-Policy"] = services.frame_ancestors(found=found)
    response["Referrer-Policy"] = "no-referrer"
    return response


@csrf_exempt
@require_POST
@never_cache
def login(request):
    """{"code": "<externalAuthCode>"} → a bearer token for the frame, or the login error."""
    try:
        code = request_json(request, max_bytes=MAX_LOGIN_BODY).get("code")
    except ParleyError as error:
        return _error(error)
    if not isinstance(code, str):
        return JsonResponse(
            {"code": "bad_request", "message": "The body needs `code`: the externalAuthCode."},
            status=400,
        )
    try:
        done = exchange_code_for_token(request, code=code)
    except AuthError as error:
        return _error(error, reference=getattr(error, "reference", ""))
    return JsonResponse(
        {
            "token": done.secret,
            "expires_at": done.token.expires_at.isoformat(),
            "user": {
                "id": done.user.public_id,
                "email": done.user.email or "",
                "name": done.user.name,
            },
            "reference": done.reference,
        }
    )


def bearer_user(view):
    """The user of the request's `Authorization: Bearer pu_sess_…` token, as request.widget_user."""

    @csrf_exempt
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            token = tokens.authenticate_bearer(
                authorization=request.headers.get("Authorization", "")
            )
        except AuthError as error:
            return _error(error)
        if token is None:
            return JsonResponse(
                {"code": "login_required", "message": "Please log in again."}, status=401
            )
        request.widget_user = token.user
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
@bearer_user
def conversations(request):
    """GET: the person's conversations, newest first. POST: a new, empty one."""
    if request.method == "POST":
        try:
            created = chat.create_conversation(user=request.widget_user)
        except ParleyError as error:
            return _error(error)
        return JsonResponse({"id": created.public_id, "title": created.title}, status=201)
    found = chat.list_conversations(user=request.widget_user, limit=20)
    return JsonResponse({"conversations": [{"id": c.public_id, "title": c.title} for c in found]})


@require_GET
@bearer_user
def messages(request, public_id: str):
    try:
        conversation = chat.get_conversation(user=request.widget_user, public_id=public_id)
    except ParleyError as error:
        return _error(error)
    return JsonResponse(
        {
            "id": conversation.public_id,
            "title": conversation.title,
            "messages": [
                {
                    "id": m.pk,
                    "role": m.role,
                    "content": m.content,
                    "html": m.html,
                    "status": m.status,
                }
                for m in chat.conversation_messages(conversation=conversation)
            ],
        }
    )
