"""Admin panel → Models (providers, the default model, testing a provider's connection) and
→ Usage (per-user usage and daily message limits). Views only translate HTTP to
parley.chat.catalogue, parley.chat.usage and parley.chat.provider_check."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from parley.accounts import roles
from parley.accounts.models import User
from parley.chat import catalogue, provider_check
from parley.chat import usage as chat_usage
from parley.chat.models import ChatModel, Provider
from parley.errors import ParleyError

from .access import role_required
from .forms_models import LimitForm, ProviderForm
from .views import _page


def _save_provider(request, form: ProviderForm, provider: Provider | None) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    key = data["api_key"].strip()
    try:
        catalogue.save_provider(
            provider=provider,
            name=data["name"],
            base_url=data["base_url"],
            # Editing: an empty key field keeps the stored key (it is never shown again).
            api_key=key if (key or provider is None) else None,
            timeout_seconds=data["timeout_seconds"],
            model_names=data["model_names"],
        )
    except ParleyError as error:
        form.add_error(None, error.user_message)
        return False
    return True


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_MODELS)
def models(request):
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and _save_provider(request, form, None):
        messages.success(request, f"Provider “{form.cleaned_data['name']}” added.")
        return redirect("adminpanel:models")
    return _page(
        request,
        "adminpanel/models.html",
        section="models",
        title="Models",
        providers=catalogue.providers_with_models(),
        demo_model=catalogue.ensure_demo_model(),
        default_model=catalogue.default_model(),
        form=form,
    )


def _provider_initial(provider: Provider) -> dict:
    return {
        "name": provider.name,
        "base_url": provider.base_url,
        "timeout_seconds": provider.timeout_seconds,
        "model_names": "\n".join(provider.models.values_list("name", flat=True)),
    }


def _provider_page(
    request,
    provider: Provider,
    form: ProviderForm,
    *,
    check: provider_check.ProviderCheck | None = None,
):
    return _page(
        request,
        "adminpanel/models_provider.html",
        section="models",
        title=provider.name,
        provider=provider,
        form=form,
        check=check,
        wait_seconds=provider_check.wait_seconds(provider=provider),
    )


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_MODELS)
def provider_edit(request, provider_id):
    provider = get_object_or_404(Provider, pk=provider_id)
    form = ProviderForm(request.POST or None, initial=_provider_initial(provider))
    if request.method == "POST" and _save_provider(request, form, provider):
        messages.success(request, f"Provider “{form.cleaned_data['name']}” saved.")
        return redirect("adminpanel:models")
    return _provider_page(request, provider, form)


@require_POST
@role_required(roles.MANAGE_MODELS)
def provider_test(request, provider_id):
    """Test connection: the provider's page with the result. The saved settings are tested
    and nothing is changed, so the result is shown at once rather than after a redirect."""
    provider = get_object_or_404(Provider, pk=provider_id)
    check = provider_check.check_provider(provider=provider)
    form = ProviderForm(initial=_provider_initial(provider))
    return _provider_page(request, provider, form, check=check)


@require_POST
@role_required(roles.MANAGE_MODELS)
def provider_delete(request, provider_id):
    provider = get_object_or_404(Provider, pk=provider_id)
    catalogue.delete_provider(provider=provider)
    messages.success(request, f"Provider “{provider.name}” deleted.")
    return redirect("adminpanel:models")


@require_POST
@role_required(roles.MANAGE_MODELS)
def model_action(request, model_id):
    model = get_object_or_404(ChatModel, pk=model_id)
    action = request.POST.get("action")
    try:
        if action == "default":
            catalogue.set_default_model(model=model)
            messages.success(request, f"“{model.label}” is now the default model.")
        elif action in {"enable", "disable"}:
            catalogue.set_model_enabled(model=model, enabled=action == "enable")
            messages.success(request, f"“{model.label}” {action}d.")
        elif action == "label":
            catalogue.rename_model(model=model, label=request.POST.get("label", ""))
            messages.success(request, "Label saved.")
    except ParleyError as error:
        messages.error(request, error.user_message)
    return redirect("adminpanel:models")


@require_http_methods(["GET", "POST"])
@role_required(roles.VIEW_USAGE)
def usage(request):
    settings_row = chat_usage.chat_settings()
    form = LimitForm(
        request.POST or None,
        initial={
            "messages_per_day": settings_row.messages_per_day,
            "unlimited": settings_row.messages_per_day is None,
        },
    )
    if request.method == "POST" and form.is_valid():
        chat_usage.set_instance_limit(messages_per_day=form.limit())
        limit = form.limit()
        messages.success(
            request,
            "Daily limit saved: "
            + ("unlimited." if limit is None else f"{limit} messages a day per person."),
        )
        return redirect("adminpanel:usage")
    query = request.GET.get("q", "").strip()[:100]
    return _page(
        request,
        "adminpanel/usage.html",
        section="usage",
        title="Usage",
        rows=chat_usage.usage_report(query=query),
        query=query,
        instance_limit=settings_row.messages_per_day,
        form=form,
    )


@require_http_methods(["GET", "POST"])
@role_required(roles.VIEW_USAGE)
def usage_user(request, public_id):
    person = get_object_or_404(User, public_id=public_id)
    row = chat_usage.usage_for(user=person)
    form = LimitForm(
        request.POST or None,
        initial={
            "messages_per_day": row.limit if row.overridden else None,
            "unlimited": row.overridden and row.limit is None,
        },  # fmt: skip
    )
    if request.method == "POST":
        if request.POST.get("action") == "clear":
            chat_usage.set_user_limit(user=person, override=False, messages_per_day=None)
            messages.success(request, "This person now follows the instance's daily limit.")
            return redirect("adminpanel:usage_user", public_id=person.public_id)
        if form.is_valid():
            chat_usage.set_user_limit(user=person, override=True, messages_per_day=form.limit())
            limit = form.limit()
            messages.success(
                request,
                "Personal daily limit saved: "
                + ("unlimited." if limit is None else f"{limit} messages a day."),
            )
            return redirect("adminpanel:usage_user", public_id=person.public_id)
    return _page(
        request,
        "adminpanel/usage_user.html",
        section="usage",
        title=f"Usage of {person.display_name}",
        person=person,
        row=row,
        instance_limit=chat_usage.chat_settings().messages_per_day,
        form=form,
    )
