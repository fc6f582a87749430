"""Why an SSO login or a provider's setup failed: each code is an audit reason."""

from parley.errors import AuthError, ValidationFailed


class DiscoveryFailed(ValidationFailed):
    """The issuer URL is refused, or its discovery document cannot be fetched or used."""

    code = "sso_discovery_failed"
    user_message = "The identity provider's discovery document could not be used."


class ProviderUnreachable(AuthError):
    code = "sso_provider_unreachable"
    status = 502
    user_message = (
        "The sign-in service could not be reached. Please try again in a moment, or ask your "
        "administrator."
    )


class LoginCancelled(AuthError):
    code = "sso_cancelled"
    status = 401
    page_title = "Sign-in cancelled"
    user_message = "The sign-in was cancelled at the identity provider. Nothing was changed."


class BadState(AuthError):
    """The callback's state is unknown, used or from another browser session."""

    code = "sso_bad_state"
    status = 400
    user_message = (
        "This sign-in could not be matched to the one this browser started (it may be old "
        "or opened in another browser). Please start again from the login page."
    )


class BadNonce(AuthError):
    code = "sso_bad_nonce"
    status = 400
    user_message = BadState.user_message


class InvalidIdToken(AuthError):
    """The id_token fails verification: signature, algorithm, issuer, audience or expiry."""

    code = "sso_invalid_id_token"
    status = 401
    user_message = (
        "The identity provider's answer could not be verified, so you were not signed in."
    )


class SsoFailed(AuthError):
    """The provider answered with an error other than a cancel, or the flow broke."""

    code = "sso_failed"
    status = 401


class EmailDomainNotAllowed(AuthError):
    code = "sso_domain_not_allowed"
    status = 403
    user_message = (
        "Your email address's domain may not sign in here. Please ask your administrator."
    )


class EmailMissing(AuthError):
    code = "sso_email_missing"
    status = 403
    user_message = (
        "The identity provider did not share your email address, which this sign-in needs. "
        "Please ask your administrator."
    )


class SsoIdentityConflict(AuthError):
    code = "sso_identity_conflict"
    status = 409
    user_message = (
        "An account with your email address already exists and cannot be joined to this "
        "sign-in. Please ask your administrator."
    )


class EmailLoginSsoOnly(AuthError):
    code = "email_login_sso_only"
    status = 403
    user_message = "Sign in with your organisation's single sign-on button instead."


class SamlMetadataInvalid(ValidationFailed):
    """The IdP's SAML metadata (URL or XML) is refused or cannot be used."""

    code = "sso_saml_metadata_invalid"
    user_message = "The identity provider's SAML metadata could not be used."


class InvalidSamlResponse(AuthError):
    """The SAML response fails python3-saml's checks: signature, wrapping, audience,
    destination/recipient, time conditions, status."""

    code = "sso_invalid_saml_response"
    status = 401
    user_message = InvalidIdToken.user_message


class SamlReplayed(AuthError):
    """An assertion that already signed someone in was posted again."""

    code = "sso_saml_replayed"
    status = 401
    user_message = "This sign-in answer was already used. Please start again from the login page."
