"""Admin Panel → Provisioning: a token is shown once when made, listed with its last use,
and revoked; `parley scim token` does the same from the shell."""

import json

from django.urls import reverse

from parley.audit.models import AuthEvent
from parley.cli import main
from parley.scim.models import ScimToken


def test_an_admin_makes_a_token_that_is_shown_once_and_works(admin_client, client):
    response = admin_client.post(reverse("adminpanel:provisioning"), {"name": "Entra ID"})
    html = response.content.decode()
    secret = html.split('id="new-scim-token" value="', 1)[1].split('"', 1)[0]
    assert secret.startswith("pscim_")
    assert "http://testserver/scim/v2" in html
    assert secret not in admin_client.get(reverse("adminpanel:provisioning")).content.decode()
    used = client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert used.status_code == 200
    listed = admin_client.get(reverse("adminpanel:provisioning")).content.decode()
    assert "Entra ID" in listed and "Never" not in listed


def test_a_nameless_token_is_refused_with_a_message(admin_client):
    response = admin_client.post(reverse("adminpanel:provisioning"), {"name": "  "})
    assert "Give the token a name." in response.content.decode()
    assert not ScimToken.objects.exists()


def test_revoking_from_the_panel_stops_the_token_and_is_audited(admin_client, client):
    html = admin_client.post(reverse("adminpanel:provisioning"), {"name": "Okta"}).content.decode()
    secret = html.split('id="new-scim-token" value="', 1)[1].split('"', 1)[0]
    token = ScimToken.objects.get()
    admin_client.post(reverse("adminpanel:scim_token_revoke", kwargs={"token_id": token.pk}))
    assert client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    revoked = AuthEvent.objects.get(reason="scim_token_revoked", outcome="success")
    assert "Okta" in revoked.detail and "admin:" in revoked.detail


def test_the_cli_creates_lists_and_revokes_tokens(db, capsys):
    assert main(["scim", "token", "create", "--name", "Okta"]) == 0
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    assert secret.startswith("pscim_") and ScimToken.objects.get().token_hash != secret
    assert main(["scim", "token", "list", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["name"], listed["revoked_at"], listed["created_by"]) == ("Okta", None, "cli")
    assert secret not in json.dumps(listed)
    assert main(["scim", "token", "revoke", "Okta"]) == 0
    assert "is revoked" in capsys.readouterr().out
    assert ScimToken.objects.get().revoked_at is not None
    assert main(["scim", "token", "revoke", "nope"]) == 1
    assert capsys.readouterr().err.strip() == "parley: There is no SCIM token “nope”."
