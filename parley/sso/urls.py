# The paths allauth's openid_connect and saml providers use, served by Parley's tightened views
# (oidc.py); parley/urls.py lists them before allauth's, so these answer.
from django.urls import path

from . import oidc, saml

urlpatterns = [
    path("accounts/oidc/<str:provider_id>/login/", oidc.login, name="openid_connect_login"),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        oidc.callback,
        name="openid_connect_callback",
    ),
    # allauth's SAML provider's paths: Parley's providers, errors and replay check.
    path("accounts/saml/<str:organization_slug>/login/", saml.login, name="saml_login"),
    path("accounts/saml/<str:organization_slug>/acs/", saml.acs, name="saml_acs"),
    path(
        "accounts/saml/<str:organization_slug>/acs/finish/",
        saml.finish_acs,
        name="saml_finish_acs",
    ),
    path("accounts/saml/<str:organization_slug>/sls/", saml.sls, name="saml_sls"),
    path("accounts/saml/<str:organization_slug>/metadata/", saml.metadata, name="saml_metadata"),
]
