"""The chat pages: the conversation list and one conversation (answers stream from
parley/chat/stream.py), new, rename and delete. Views only translate HTTP to services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from parley.errors import ParleyError

from . import catalogue, conversations, sidebar
from .errors import ConversationNotFound, NoModelAvailable


def _page(request, *, conversation=None, title: str):
    query = request.GET.get("q", "").strip()[: sidebar.MAX_QUERY_CHARS]
    models = catalogue.available_models(user=request.user)
    selected = conversation.model_id if conversation and conversation.model_id else None
    if selected is None or not any(m.pk == selected for m in models):
        selected = models[0].pk if models else None
    return render(
        request,
        "chat/chat.html",
        {
            "title": title,
            "conversation": conversation,
            "chat_messages": (
                conversations.conversation_thread(conversation=conversation) if conversation else []
            ),
            "groups": (
                [
                    sidebar.Group(
                        "Search results",
                        sidebar.search_conversations(user=request.user, query=query),
                    )
                ]
                if query
                else sidebar.grouped_conversations(user=request.user)
            ),
            "query": query,
            "models": models,
            "selected_model": selected,
            "no_model_message": NoModelAvailable.user_message,
        },
    )


@require_GET
@login_required
def home(request):
    return _page(request, title="Chat")


@require_GET
@login_required
def conversation(request, public_id):
    try:
        found = conversations.get_conversation(user=request.user, public_id=public_id)
    except ConversationNotFound:
        raise Http404("no such conversation") from None
    return _page(request, conversation=found, title=found.title)


def _wants_json(request) -> bool:
    return request.headers.get("accept") == "application/json"


def _json_error(error: ParleyError) -> JsonResponse:
    return JsonResponse({"code": error.code, "message": error.user_message}, status=error.status)


@require_GET
@login_required
def search(request):
    """Conversations whose title or messages contain `q`, for the sidebar as one types."""
    found = sidebar.search_conversations(user=request.user, query=request.GET.get("q", ""))
    return JsonResponse(
        {
            "results": [
                {
                    "id": c.public_id,
                    "title": c.title,
                    "url": reverse("chat_conversation", args=[c.public_id]),
                }
                for c in found
            ]
        }
    )


def _model_id(request) -> int | None:
    value = request.POST.get("model", "")
    return int(value) if value.isdigit() else None


@require_POST
@login_required
def new_conversation(request):
    """Start an empty conversation: JSON for the page's script, a redirect for a form."""
    try:
        created = conversations.create_conversation(user=request.user, model_id=_model_id(request))
    except ParleyError as error:
        if _wants_json(request):
            return _json_error(error)
        messages.error(request, error.user_message)
        return redirect("home")
    url = reverse("chat_conversation", args=[created.public_id])
    if _wants_json(request):
        return JsonResponse({"id": created.public_id, "url": url, "title": created.title})
    return redirect(url)


@require_POST
@login_required
def rename(request, public_id):
    """A new title: JSON {id, title} for the page's script, a redirect for a form."""
    try:
        renamed = conversations.rename_conversation(
            user=request.user, public_id=public_id, title=request.POST.get("title", "")
        )
    except ConversationNotFound:
        raise Http404("no such conversation") from None
    except ParleyError as error:
        if _wants_json(request):
            return _json_error(error)
        messages.error(request, error.user_message)
        return redirect("chat_conversation", public_id=public_id)
    if _wants_json(request):
        return JsonResponse({"id": renamed.public_id, "title": renamed.title})
    return redirect("chat_conversation", public_id=public_id)


@require_POST
@login_required
def delete(request, public_id):
    try:
        conversations.delete_conversation(user=request.user, public_id=public_id)
    except ConversationNotFound:
        raise Http404("no such conversation") from None
    if _wants_json(request):
        return JsonResponse({"id": public_id, "deleted": True})
    messages.success(request, "Conversation deleted.")
    return redirect("home")
