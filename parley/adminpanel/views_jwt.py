"""Admin pages for External Authentication (DESIGN §4.1, §5): the JWT settings, the token
tester and the integration page with its login-link generator.

A secret, a generated link or a pasted code appears only in the response to the POST that
asked for it, never in a URL or the session. One exception keeps the switch reloadable
(post/redirect/get): the secret generated when JWT is first switched on is shown by the
page the switch redirects to, once, on a one-shot flag in the session (never the secret).
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import dateformat, timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parley.accounts import roles
from parley.errors import ParleyError
from parley.external_auth import admin_services, minting, services, tester, token_roles
from parley.external_auth.errors import KeyRejected
from parley.external_auth.secret_strength import find_weakness

from .access import role_required
from .forms_jwt import (
    JwksUrlForm,
    JwtSwitchForm,
    LoginLinkForm,
    PasteSecretForm,
    PolicyForm,
    PublicKeyForm,
    RotateForm,
    TesterForm,
    TokenRolesForm,
)
from .integration_snippets import snippets
from .views import _page

MASK_SHOWN_CHARS = 4


def mask(secret: str) -> str:
    """The first characters and a fixed run of dots, so the length is not given away."""
    return secret[:MASK_SHOWN_CHARS] + "•" * 12


def _render_jwt(
    request,
    *,
    shown_secret: str = "",
    shown_reason: str = "",
    rotate_form: RotateForm | None = None,
    paste_form: PasteSecretForm | None = None,
    key_form: PublicKeyForm | None = None,
    policy_form: PolicyForm | None = None,
    jwks_form: JwksUrlForm | None = None,
    token_roles_form: TokenRolesForm | None = None,
):
    row = services.get_jwt_settings()
    current = services.current_secret()
    return _page(
        request,
        "adminpanel/jwt_settings.html",
        section="authentication",
        title="External Authentication (JWT)",
        jwt=row,
        current=current,
        masked=mask(current.secret) if current else "",
        # Pasted under older, length-only rules: say so, so the admin rotates it.
        current_weakness=find_weakness(current.secret) if current else None,
        shown_secret=shown_secret,
        shown_reason=shown_reason,
        in_grace=[(s, mask(s.secret)) for s in services.secrets_in_grace()],
        public_keys=admin_services.public_key_summaries(),
        switch_form=JwtSwitchForm(initial={"enabled": row.enabled}),
        rotate_form=rotate_form or RotateForm(),
        paste_form=paste_form or PasteSecretForm(),
        key_form=key_form or PublicKeyForm(),
        policy_form=policy_form or PolicyForm(initial=PolicyForm.initial_from(row)),
        jwks_form=jwks_form
        or JwksUrlForm(
            initial={
                "jwks_url": row.jwks_url,
                "allow_private_network": row.jwks_allow_private_network,
            }
        ),
        token_roles_form=token_roles_form
        or TokenRolesForm(initial=TokenRolesForm.initial_from(row)),
        open_paste=paste_form is not None,
        open_key=key_form is not None,
    )


NEW_SECRET_FLAG = "parley_jwt_show_new_secret"


@require_GET
@role_required(roles.MANAGE_SETTINGS)
def jwt_settings(request):
    if request.session.pop(NEW_SECRET_FLAG, False) and roles.can(
        request.user.role, roles.MANAGE_JWT_SECRETS
    ):
        current = services.current_secret()
        if current is not None:
            return _render_jwt(request, shown_secret=current.secret, shown_reason="new")
    return _render_jwt(request)


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_JWT_SECRETS)
def jwt_switch(request):
    """Switch JWT login on or off, then redirect (post/redirect/get): the page after the
    switch can be reloaded, and a GET here (a reload, a typed URL) just shows the settings."""
    if request.method != "POST":
        return redirect("adminpanel:jwt")
    form = JwtSwitchForm(request.POST)
    form.is_valid()  # a checkbox: absent means off
    if not form.cleaned_data.get("enabled"):
        services.disable_jwt()
        messages.success(request, "JWT login is off. Codes are refused until you turn it on.")
        return redirect("adminpanel:jwt")
    first_time = services.current_secret() is None
    services.enable_jwt()
    if not first_time:
        messages.success(request, "JWT login is on, with the secret you already had.")
        return redirect("adminpanel:jwt")
    messages.success(request, "JWT login is on. A secret was generated for you.")
    request.session[NEW_SECRET_FLAG] = True
    return redirect("adminpanel:jwt")


@require_POST
@role_required(roles.MANAGE_JWT_SECRETS)
def jwt_reveal(request):
    current = services.current_secret()
    if current is None:
        messages.error(request, "There is no secret yet: turn JWT login on to generate one.")
        return redirect("adminpanel:jwt")
    return _render_jwt(request, shown_secret=current.secret, shown_reason="revealed")


@require_POST
@role_required(roles.MANAGE_JWT_SECRETS)
def jwt_rotate(request):
    form = RotateForm(request.POST)
    if not form.is_valid():
        return _render_jwt(request, rotate_form=form)
    had_secret = services.current_secret() is not None
    try:
        secret = services.rotate_secret(grace=form.grace_period())
    except ParleyError as error:
        form.add_error("grace", error.user_message)
        return _render_jwt(request, rotate_form=form)
    messages.success(request, _rotated_message(form, had_secret))
    return _render_jwt(request, shown_secret=secret, shown_reason="rotated")


@sensitive_post_parameters("secret")
@require_POST
@role_required(roles.MANAGE_JWT_SECRETS)
def jwt_paste_secret(request):
    form = PasteSecretForm(request.POST)
    if form.is_valid():
        had_secret = services.current_secret() is not None
        try:
            services.rotate_secret(
                grace=form.grace_period(), new_secret=form.cleaned_data["secret"]
            )
        except ParleyError as error:
            form.add_error("secret", error.user_message)
        else:
            messages.success(
                request, "Your secret is now the current one. " + _rotated_message(form, had_secret)
            )
            return redirect("adminpanel:jwt")
    # The refused text is not sent back into the field.
    form.data = form.data.copy()
    form.data["secret"] = ""
    return _render_jwt(request, paste_form=form)


@require_POST
@role_required(roles.MANAGE_JWT_SECRETS)
def jwt_revoke_previous(request):
    revoked = services.revoke_previous_secrets()
    if revoked:
        messages.success(
            request,
            f"{revoked} previous secret{'s' if revoked > 1 else ''} revoked: codes signed with "
            f"{'them' if revoked > 1 else 'it'} are refused from now on. The current secret "
            "keeps working.",
        )
    else:
        messages.success(request, "No previous secret was still working; nothing to revoke.")
    return redirect("adminpanel:jwt")


def _rotated_message(form: RotateForm, had_secret: bool) -> str:
    if not had_secret:
        return "New secret made."
    if not form.cleaned_data["grace"]:
        return "New secret made; every previous secret stopped working now."
    ends = timezone.localtime(timezone.now() + form.grace_period())
    until = dateformat.format(ends, "j M Y, H:i T")
    return f"New secret made; the previous one keeps working until {until}."


@require_POST
@role_required(roles.MANAGE_JWT_SECRETS)
def jwt_add_key(request):
    form = PublicKeyForm(request.POST)
    if form.is_valid():
        try:
            key = services.add_public_key(
                pem=form.cleaned_data["pem"], kid=form.cleaned_data["kid"]
            )
        except ParleyError as error:
            field = "pem" if isinstance(error, KeyRejected) else "kid"
            form.add_error(field, error.user_message)
        else:
            messages.success(request, f"Public key {key.kid or key.pk} added.")
            return redirect("adminpanel:jwt")
    return _render_jwt(request, key_form=form)


@require_POST
@role_required(roles.MANAGE_JWT_SECRETS)
def jwt_remove_key(request, key_id: int):
    services.remove_public_key(key_id=key_id)
    messages.success(request, "Public key removed. Codes signed with it are now refused.")
    return redirect("adminpanel:jwt")


@require_POST
@role_required(roles.MANAGE_JWT_SECRETS)
def jwt_jwks_url(request):
    form = JwksUrlForm(request.POST)
    if form.is_valid():
        try:
            row = services.set_jwks_url(
                url=form.cleaned_data["jwks_url"],
                allow_private_network=form.cleaned_data["allow_private_network"],
            )
        except ParleyError as error:
            form.add_error("jwks_url", error.user_message)
        else:
            done = "JWKS URL saved." if row.jwks_url else "JWKS URL removed."
            messages.success(request, done)
            return redirect("adminpanel:jwt")
    return _render_jwt(request, jwks_form=form)


@require_POST
@role_required(roles.MANAGE_SETTINGS)
def jwt_policy(request):
    form = PolicyForm(request.POST)
    if form.is_valid():
        before = services.get_jwt_settings()
        policy = form.policy()
        if not roles.can(request.user.role, roles.MANAGE_JWT_TRUST):
            # Whether staff may log in with a JWT is an owner's call: an admin's save keeps it.
            policy["admins_may_use_jwt"] = before.admins_may_use_jwt
        try:
            row = services.update_policy(**policy)
        except ParleyError as error:
            form.add_error(None, error.user_message)
        else:
            saved = "JWT policy saved. It applies to the next code presented."
            messages.success(request, " ".join([saved, *_switched_on_warnings(before, row)]))
            return redirect("adminpanel:jwt")
    return _render_jwt(request, policy_form=form)


@require_POST
@role_required(roles.MANAGE_JWT_TRUST)
def jwt_token_roles(request):
    form = TokenRolesForm(request.POST)
    if form.is_valid():
        try:
            row = token_roles.set_token_roles(
                enabled=form.cleaned_data["enabled"],
                claim=form.cleaned_data["claim"],
                allowed=form.cleaned_data["allowed"],
            )
        except ParleyError as error:
            form.add_error(None, error.user_message)
        else:
            done = (
                f"Roles are taken from {row.roles_claim}: "
                f"{', '.join(row.token_roles_allowed) or 'none'} allowed."
                if row.roles_from_token
                else "Roles are not taken from the token."
            )
            messages.success(request, done)
            return redirect("adminpanel:jwt")
    return _render_jwt(request, token_roles_form=form)


def _switched_on_warnings(before, after) -> list[str]:
    """What an admin must know the moment they turn on a switch that trusts their systems."""
    warnings = []
    if after.link_by_email and not before.link_by_email:
        warnings.append(
            "Link by email is on: it trusts your systems' emails. Whoever can get a code "
            "minted with someone's email gets into that person's account."
        )
    if after.admins_may_use_jwt and not before.admins_may_use_jwt:
        warnings.append(
            "Admins may now log in with a JWT: anyone who can get your systems to sign a "
            "code for an admin becomes an admin here."
        )
    return warnings


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@role_required(roles.TEST_TOKENS)
def token_tester(request):
    form = TesterForm(request.POST if request.method == "POST" else None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = tester.test_code(code=form.cleaned_data["code"])
    return _page(
        request,
        "adminpanel/tester.html",
        section="tester",
        title="Token tester",
        form=form,
        report=report,
    )


def _render_integration(request, *, form: LoginLinkForm | None = None, link: str = "", **extra):
    row = services.get_jwt_settings()
    return _page(
        request,
        "adminpanel/integration.html",
        section="integration",
        title="Integration",
        jwt=row,
        has_secret=services.current_secret() is not None,
        public_url=settings.PUBLIC_URL,
        snippets=snippets(public_url=settings.PUBLIC_URL),
        link_form=form or LoginLinkForm(),
        login_link=link,
        **extra,
    )


@require_GET
@role_required(roles.MANAGE_SETTINGS)
def integration(request):
    return _render_integration(request)


@require_POST
@role_required(roles.MANAGE_USERS)
def integration_login_link(request):
    form = LoginLinkForm(request.POST)
    if not form.is_valid():
        return _render_integration(request, form=form)
    user = admin_services.find_user(id_or_email=form.cleaned_data["user"])
    if user is None:
        form.add_error("user", "No user has this ID or email address.")
        return _render_integration(request, form=form)
    lifetime = form.lifetime_delta()
    try:
        roles.require_may_act_on(acting_role=request.user.role, subject_role=user.role)
        link = minting.mint_login_url(user=user, lifetime=lifetime)
    except ParleyError as error:
        form.add_error(None, error.user_message)
        return _render_integration(request, form=form)
    return _render_integration(
        request,
        form=form,
        link=link,
        link_user=user,
        link_expires_at=timezone.now() + lifetime,
    )
