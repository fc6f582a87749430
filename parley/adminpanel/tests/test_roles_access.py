"""Each role against each admin page, through HTTP: 403 without the capability, the page (or
its action) with it. The table below is the spec of issue 14, written out by hand."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from parley.accounts.models import Role

ALL = {
    "view_users",
    "manage_users",
    "manage_seats",
    "manage_groups",
    "manage_models",
    "manage_settings",
    "manage_branding",
    "manage_jwt_secrets",
    "manage_jwt_trust",
    "manage_roles",
    "manage_api_keys",
    "manage_scim",
    "test_tokens",
    "view_audit",
    "view_usage",
    "manage_sso",
    "manage_second_factors",
}
MAY = {
    Role.OWNER: ALL,
    Role.ADMIN: ALL
    - {"manage_jwt_secrets", "manage_jwt_trust", "manage_sso", "manage_second_factors"},
    Role.USER_MANAGER: {"view_users", "manage_users", "manage_seats", "manage_groups"},
    Role.AUDITOR: {"view_users", "view_audit", "view_usage"},
    Role.MEMBER: set(),
}

# (url name, method, capability). "user" routes act on a member; ids 999 need no object:
# an allowed role gets past the role check to the 404.
ROUTES = [
    ("users", "get", "view_users"),
    ("user_create", "get", "manage_users"),
    ("user_create", "post", "manage_users"),
    ("user", "get", "view_users"),
    ("deactivate", "post", "manage_users"),
    ("reactivate", "post", "manage_users"),
    ("role", "post", "manage_roles"),
    ("delete", "post", "manage_users"),
    ("approve", "post", "manage_users"),
    ("reject", "post", "manage_users"),
    ("login_link", "post", "manage_users"),
    ("seats", "get", "manage_seats"),
    ("seats", "post", "manage_seats"),
    ("seats_free_inactive", "post", "manage_users"),
    ("authentication", "get", "manage_settings"),
    ("authentication", "post", "manage_settings"),
    ("audit", "get", "view_audit"),
    ("jwt", "get", "manage_settings"),
    ("jwt_switch", "post", "manage_jwt_secrets"),
    ("jwt_reveal", "post", "manage_jwt_secrets"),
    ("jwt_rotate", "post", "manage_jwt_secrets"),
    ("jwt_paste_secret", "post", "manage_jwt_secrets"),
    ("jwt_revoke_previous", "post", "manage_jwt_secrets"),
    ("jwt_add_key", "post", "manage_jwt_secrets"),
    ("jwt_jwks_url", "post", "manage_jwt_secrets"),
    ("jwt_remove_key", "post", "manage_jwt_secrets"),
    ("jwt_policy", "post", "manage_settings"),
    ("jwt_token_roles", "post", "manage_jwt_trust"),
    ("tester", "get", "test_tokens"),
    ("tester", "post", "test_tokens"),
    ("integration", "get", "manage_settings"),
    ("integration_login_link", "post", "manage_users"),
    ("models", "get", "manage_models"),
    ("models", "post", "manage_models"),
    ("provider", "get", "manage_models"),
    ("provider_test", "post", "manage_models"),
    ("provider_delete", "post", "manage_models"),
    ("model_action", "post", "manage_models"),
    ("usage", "get", "view_usage"),
    ("usage_csv", "get", "view_usage"),
    ("usage_group", "get", "view_usage"),
    ("usage_user", "get", "view_usage"),
    ("groups", "get", "manage_groups"),
    ("groups", "post", "manage_groups"),
    ("group", "get", "manage_groups"),
    ("group_delete", "get", "manage_groups"),
    ("group_add_member", "post", "manage_groups"),
    ("group_remove_member", "post", "manage_groups"),
    ("apikeys", "get", "manage_api_keys"),
    ("apikeys", "post", "manage_api_keys"),
    ("apikey_revoke", "post", "manage_api_keys"),
    ("provisioning", "get", "manage_scim"),
    ("provisioning", "post", "manage_scim"),
    ("scim_token_revoke", "post", "manage_scim"),
    ("widget", "get", "manage_settings"),
    ("widget", "post", "manage_settings"),
    ("sso", "get", "manage_settings"),
    ("sso_add", "get", "manage_sso"),
    ("sso_add", "post", "manage_sso"),
    ("sso_add_saml", "get", "manage_sso"),
    ("sso_add_saml", "post", "manage_sso"),
    ("sso_provider", "get", "manage_sso"),
    ("sso_provider", "post", "manage_sso"),
    ("sso_test", "post", "manage_settings"),
    ("sso_switch", "post", "manage_sso"),
    ("sso_delete", "post", "manage_sso"),
    ("sso_settings", "post", "manage_sso"),
    ("branding", "get", "manage_branding"),
    ("branding", "post", "manage_branding"),
    ("second_factor_policy", "post", "manage_second_factors"),
    ("reset_second_factors", "post", "manage_second_factors"),
]
ID_ARGUMENTS = {
    "key_id": 999,
    "token_id": 999,
    "provider_id": 999,
    "model_id": 999,
    "group_id": 999,
    "sso_id": 999,
}


def _url(name: str, subject) -> str:
    pattern = _patterns()[name]
    kwargs = {}
    for argument in pattern.pattern.converters:
        kwargs[argument] = subject.public_id if argument == "public_id" else ID_ARGUMENTS[argument]
    return reverse(f"adminpanel:{name}", kwargs=kwargs)


def _patterns() -> dict[str, URLPattern]:
    namespace = get_resolver().namespace_dict["adminpanel"][1]
    return {p.name: p for p in namespace.url_patterns if isinstance(p, URLPattern)}


def test_every_admin_route_is_in_the_table_with_the_capability_its_view_checks():
    patterns = _patterns()
    assert {name for name, _, _ in ROUTES} == set(patterns)
    for name, _, capability in ROUTES:
        assert patterns[name].callback.capability == capability, name


@pytest.mark.parametrize("role", list(MAY))
@pytest.mark.parametrize(("name", "method", "capability"), ROUTES)
def test_each_role_reaches_exactly_the_routes_its_capabilities_allow(
    client_as, make_user, role, name, method, capability
):
    subject = make_user(email="subject@example.com")
    client = client_as(role)
    response = getattr(client, method)(_url(name, subject))
    if capability in MAY[role]:
        assert response.status_code in (200, 302, 404), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 403
        assert b"Not allowed" in response.content


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.OWNER, ["Users", "Seats", "API keys", "Provisioning", "Audit log"], []),
        (Role.ADMIN, ["Users", "Models", "API keys", "Provisioning", "Audit log"], []),
        (
            Role.USER_MANAGER,
            ["Users", "Seats"],
            ["Audit log", "Models", "API keys", "Usage", "Provisioning"],
        ),
        (
            Role.AUDITOR,
            ["Users", "Audit log", "Usage"],
            ["Seats", "Models", "API keys", "Provisioning"],
        ),
    ],
)
def test_the_navigation_shows_only_what_the_role_may_use(client_as, role, shown, hidden):
    html = client_as(role).get(reverse("adminpanel:users")).content.decode()
    nav = html.split('<nav class="sidenav"', 1)[1].split("</nav>", 1)[0]
    for label in shown:
        assert f">{label}</a>" in nav, label
    for label in hidden:
        assert f">{label}</a>" not in nav, label


@pytest.mark.parametrize("name", ["usage", "usage_user"])
def test_an_auditor_reads_usage_but_cannot_change_limits(client_as, make_user, name):
    subject = make_user(email="subject@example.com")
    response = client_as(Role.AUDITOR).post(_url(name, subject), {"messages_per_day": "1"})
    assert response.status_code == 403
