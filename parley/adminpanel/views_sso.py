"""Admin → User Authentication → Single sign-on: identity providers (add, edit, test,
switch, remove) and the owner's SSO switches."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parley.accounts import roles
from parley.errors import NotFound, ParleyError
from parley.sso import saml, saml_services, selectors, services
from parley.sso.models import Kind, Provider

from .access import role_required
from .forms_sso import OidcProviderForm, SamlProviderForm, SsoSettingsForm, split_list
from .views import _page


def _provider_or_404(sso_id: int) -> Provider:
    provider = selectors.provider_by_id(sso_id)
    if provider is None:
        raise Http404("no such identity provider")
    return provider


def _fields(form: OidcProviderForm) -> services.OidcFields:
    data = form.cleaned_data
    return services.OidcFields(
        name=data["name"],
        button_text=data["button_text"],
        issuer=data["issuer"],
        client_id=data["client_id"],
        client_secret=data["client_secret"],
        scopes=split_list(data["scopes"]),
        domains=split_list(data["domains"]),
        groups_claim=data["groups_claim"],
        groups_mode=data["groups_mode"],
        unknown_groups=data["unknown_groups"],
        allow_private_network=data["allow_private_network"],
    )


def _saml_fields(form: SamlProviderForm) -> saml_services.SamlFields:
    data = form.cleaned_data
    return saml_services.SamlFields(
        name=data["name"],
        button_text=data["button_text"],
        metadata_url=data["metadata_url"],
        metadata_xml=data["metadata_xml"],
        attr_id=data["attr_id"],
        attr_email=data["attr_email"],
        attr_name=data["attr_name"],
        attr_email_verified=data["attr_email_verified"],
        domains=split_list(data["domains"]),
        groups_claim=data["groups_claim"],
        groups_mode=data["groups_mode"],
        unknown_groups=data["unknown_groups"],
        allow_private_network=data["allow_private_network"],
    )


def _saml_initial(provider: Provider) -> dict:
    mapping = provider.attribute_map or {}
    return {
        "name": provider.name,
        "button_text": provider.button_text,
        "metadata_url": provider.metadata_url,
        "attr_id": mapping.get("id", ""),
        "attr_email": mapping.get("email", ""),
        "attr_name": mapping.get("name", ""),
        "attr_email_verified": mapping.get("email_verified", ""),
        "domains": ", ".join(provider.allowed_domains),
        "groups_claim": provider.groups_claim,
        "groups_mode": provider.groups_mode,
        "unknown_groups": provider.unknown_groups,
        "allow_private_network": provider.allow_private_network,
    }


def _saml_page(request, form, provider):
    return _page(
        request,
        "adminpanel/sso_provider_saml.html",
        section="authentication",
        title=provider.name if provider else "Add SAML provider",
        form=form,
        provider=provider,
        sp=saml.sp_urls(provider) if provider else None,
    )


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_SSO)
def sso_add_saml(request):
    form = SamlProviderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = saml_services.add_saml_provider(fields=_saml_fields(form))
        except ParleyError as error:
            form.add_error(None, error.user_message)
        else:
            urls = saml.sp_urls(provider)
            messages.success(
                request,
                f"Added {provider.name}. Give the IdP Parley's SP metadata: {urls['metadata_url']} "
                f"(ACS URL {urls['acs_url']}, entity ID {urls['entity_id']}).",
            )
            return redirect("adminpanel:sso_provider", sso_id=provider.pk)
    return _saml_page(request, form, None)


def _edit_saml(request, provider: Provider):
    data = request.POST if request.method == "POST" else None
    form = SamlProviderForm(data, initial=_saml_initial(provider))
    if request.method == "POST" and form.is_valid():
        try:
            saml_services.update_saml_provider(provider=provider, fields=_saml_fields(form))
        except ParleyError as error:
            form.add_error(None, error.user_message)
            provider.refresh_from_db()
        else:
            messages.success(request, f"Saved {provider.name}.")
            return redirect("adminpanel:sso")
    return _saml_page(request, form, provider)


def _settings_form() -> SsoSettingsForm:
    current = services.get_sso_settings()
    return SsoSettingsForm(
        initial={
            "link_by_email": current.link_by_email,
            "sso_only": current.sso_only,
            "roles_from_claims": current.roles_from_claims,
            "roles_claim": current.roles_claim,
            "roles_allowed": current.roles_allowed,
        }
    )


@require_GET
@role_required(roles.MANAGE_SETTINGS)
def sso(request):
    return _render_list(request, _settings_form())


def _render_list(request, settings_form, *, check=None, checked=None):
    return _page(
        request,
        "adminpanel/sso.html",
        section="authentication",
        title="Single sign-on",
        providers=selectors.all_providers(),
        settings_form=settings_form,
        check=check,
        checked=checked,
        may_manage="manage_sso" in request.user.capabilities,
    )


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_SSO)
def sso_add(request):
    form = OidcProviderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.add_oidc_provider(fields=_fields(form))
        except ParleyError as error:
            form.add_error(None, error.user_message)
        else:
            messages.success(
                request,
                f"Added {provider.name}. Register this redirect URI at the provider: "
                f"{services.redirect_uri(provider)}",
            )
            return redirect("adminpanel:sso")
    return _page(
        request,
        "adminpanel/sso_provider.html",
        section="authentication",
        title="Add OIDC provider",
        form=form,
        provider=None,
    )


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_SSO)
def sso_provider(request, sso_id: int):
    provider = _provider_or_404(sso_id)
    if provider.kind == Kind.SAML:
        return _edit_saml(request, provider)
    initial = {
        "name": provider.name,
        "button_text": provider.button_text,
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "scopes": " ".join(provider.scopes),
        "domains": ", ".join(provider.allowed_domains),
        "groups_claim": provider.groups_claim,
        "groups_mode": provider.groups_mode,
        "unknown_groups": provider.unknown_groups,
        "allow_private_network": provider.allow_private_network,
    }
    form = OidcProviderForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_oidc_provider(provider=provider, fields=_fields(form))
        except ParleyError as error:
            form.add_error(None, error.user_message)
            provider.refresh_from_db()
        else:
            messages.success(request, f"Saved {provider.name}.")
            return redirect("adminpanel:sso")
    return _page(
        request,
        "adminpanel/sso_provider.html",
        section="authentication",
        title=provider.name,
        form=form,
        provider=provider,
        redirect_uri=services.redirect_uri(provider),
    )


@require_POST
@role_required(roles.MANAGE_SETTINGS)
def sso_test(request, sso_id: int):
    provider = _provider_or_404(sso_id)
    result = services.check_provider(provider=provider)
    return _render_list(request, _settings_form(), check=result, checked=provider)


@require_POST
@role_required(roles.MANAGE_SSO)
def sso_switch(request, sso_id: int):
    provider = _provider_or_404(sso_id)
    enabled = request.POST.get("enabled") == "on"
    try:
        services.set_enabled(provider=provider, enabled=enabled)
    except ParleyError as error:
        messages.error(request, error.user_message)
    else:
        messages.success(request, f"{provider.name} {'enabled' if enabled else 'disabled'}.")
    return redirect("adminpanel:sso")


@require_POST
@role_required(roles.MANAGE_SSO)
def sso_delete(request, sso_id: int):
    provider = _provider_or_404(sso_id)
    try:
        people = services.remove_provider(provider=provider)
    except NotFound:
        raise Http404("no such identity provider") from None
    except ParleyError as error:
        messages.error(request, error.user_message)
    else:
        messages.success(
            request,
            f"Removed {provider.name}; {people} people keep their accounts but can no longer "
            "sign in with it.",
        )
    return redirect("adminpanel:sso")


@require_POST
@role_required(roles.MANAGE_SSO)
def sso_settings(request):
    form = SsoSettingsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_sso_settings(
                link_by_email=data["link_by_email"],
                sso_only=data["sso_only"],
                roles_from_claims=data["roles_from_claims"],
                roles_claim=data["roles_claim"],
                roles_allowed=data["roles_allowed"],
            )
        except ParleyError as error:
            form.add_error(None, error.user_message)
        else:
            messages.success(request, "SSO settings saved.")
            return redirect("adminpanel:sso")
    return _render_list(request, form)
