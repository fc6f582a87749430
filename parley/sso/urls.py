# The paths allauth's openid_connect provider uses, served by Parley's tightened views
# (oidc.py); parley/urls.py lists them before allauth's, so these answer.
from django.urls import path

from . import oidc

urlpatterns = [
    path("accounts/oidc/<str:provider_id>/login/", oidc.login, name="openid_connect_login"),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        oidc.callback,
        name="openid_connect_callback",
    ),
]
