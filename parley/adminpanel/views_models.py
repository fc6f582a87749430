"""Admin panel → Models: providers, the default model, who may use each model, testing a
provider's connection. Views only translate HTTP to parley.chat.catalogue and
parley.chat.provider_check."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from parley.accounts import roles
from parley.chat import catalogue, provider_check
from parley.chat.models import ChatModel, Provider
from parley.errors import ParleyError
from parley.groups import selectors as group_selectors

from .access import role_required
from .forms_models import ModelAccessForm, ProviderForm
from .views import _page


def _save_provider(request, form: ProviderForm, provider: Provider | None) -> Provider | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    key = data["api_key"].strip()
    try:
        return catalogue.save_provider(
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
        return None


def _report_new_provider(request, provider: Provider) -> None:
    """A new provider is tested at once: an admin learns now, not from people's failed chats,
    that its URL or key is wrong. It is saved either way, so the admin can fix it."""
    check = provider_check.check_provider(provider=provider)
    if check.ok:
        messages.success(request, f"Provider “{provider.name}” added. {check.summary}")
        return
    messages.warning(
        request,
        f"Provider “{provider.name}” added, but the connection test failed: {check.summary} "
        "Chats with its models will fail until this is fixed.",
    )


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_MODELS)
def models(request):
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and (provider := _save_provider(request, form, None)):
        _report_new_provider(request, provider)
        return redirect("adminpanel:provider", provider_id=provider.pk)
    return _page(
        request,
        "adminpanel/models.html",
        section="models",
        title="Models",
        providers=catalogue.providers_with_models(),
        demo_model=catalogue.ensure_demo_model(),
        default_model=catalogue.instance_default_model(),
        groups=group_selectors.all_groups(),
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
    if request.method == "POST" and _save_provider(request, form, provider) is not None:
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


def _save_access(request, model: ChatModel) -> None:
    form = ModelAccessForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose Everyone or Only these groups, with known groups.")
        return
    everyone = form.cleaned_data["access"] == "everyone"
    catalogue.set_model_access(model=model, everyone=everyone, groups=form.cleaned_data["groups"])
    who = "everyone" if everyone else ", ".join(g.name for g in form.cleaned_data["groups"])
    messages.success(request, f"“{model.label}” is now available to {who}.")


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
        elif action == "access":
            _save_access(request, model)
    except ParleyError as error:
        messages.error(request, error.user_message)
    return redirect("adminpanel:models")
