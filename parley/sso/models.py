"""Single sign-on: the identity providers an admin configured, who each provider's subjects
are in Parley, and the owner's switches that widen what SSO is trusted with."""

from django.db import models


class Kind(models.TextChoices):
    OIDC = "oidc", "OpenID Connect"
    SAML = "saml", "SAML 2.0"


def default_scopes() -> list[str]:
    return ["openid", "profile", "email"]


class Provider(models.Model):
    """One identity provider, a button on the login page while enabled. The fields of one
    kind are blank for the other (a SAML provider has no client secret)."""

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.OIDC)
    # The name admins and the CLI use; `slug` is its id in URLs (allauth's provider_id).
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=64, unique=True)
    button_text = models.CharField(max_length=100, blank=True, default="")
    enabled = models.BooleanField(default=True)
    issuer = models.CharField(max_length=2048, blank=True, default="")
    client_id = models.CharField(max_length=255, blank=True, default="")
    client_secret_encrypted = models.TextField(blank=True, default="")
    scopes = models.JSONField(default=default_scopes)
    # Lower-case domains; empty: any email the provider asserts.
    allowed_domains = models.JSONField(default=list, blank=True)
    # Dotted path of the groups claim; empty: groups are not taken from this provider.
    groups_claim = models.CharField(max_length=255, blank=True, default="")
    groups_mode = models.CharField(max_length=8, default="sync")
    unknown_groups = models.CharField(max_length=8, default="ignore")
    # Off: the issuer and its endpoints must not reach private or loopback addresses.
    allow_private_network = models.BooleanField(default=False)
    # OIDC: the discovery document as validated when the provider was saved or last tested.
    # SAML: the IdP's entity id, sign-in URL and signing certificate read from its metadata.
    discovery = models.JSONField(default=dict, blank=True)
    # SAML: where the IdP's metadata was fetched (empty: pasted XML), and which attributes
    # hold the person's id (empty: the NameID), email, name and groups.
    metadata_url = models.CharField(max_length=2048, blank=True, default="")
    attribute_map = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        return self.button_text or f"Sign in with {self.name}"


class Identity(models.Model):
    """Who a provider's subject (OIDC `sub`, SAML NameID) is in Parley."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="identities")
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="sso_identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="sso_identity_unique")
        ]

    def __str__(self):
        return f"{self.provider} {self.subject}"


class SamlAssertion(models.Model):
    """A SAML assertion already used to sign in, kept until it expires: the same assertion
    posted again (a replay) is refused."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    assertion_id = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "assertion_id"], name="sso_saml_assertion_unique"
            )
        ]

    def __str__(self):
        return f"{self.provider} {self.assertion_id}"


def member_only() -> list[str]:
    return ["member"]


class SsoSettings(models.Model):
    """One row (pk=1): what an owner trusts SSO with. Everything off by default."""

    # Link a first SSO login to the existing user with its email, when the provider says
    # the email is verified (never an admin: parley.accounts.linking).
    link_by_email = models.BooleanField(default=False)
    # Email login only for owners: everyone else signs in through a provider.
    sso_only = models.BooleanField(default=False)
    roles_from_claims = models.BooleanField(default=False)
    roles_claim = models.CharField(max_length=255, default="role")
    roles_allowed = models.JSONField(default=member_only)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return "SSO settings"
