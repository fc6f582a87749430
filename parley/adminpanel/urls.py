from django.urls import path, register_converter

from . import (
    views,
    views_apikeys,
    views_branding,
    views_groups,
    views_jwt,
    views_models,
    views_seats,
    views_usage,
    views_widget,
)
from .converters import PublicIdConverter

register_converter(PublicIdConverter, "public_id")

app_name = "adminpanel"
urlpatterns = [
    path("", views.users, name="users"),
    path("add-user/", views.user_create, name="user_create"),
    path("users/<public_id:public_id>/", views.user_detail, name="user"),
    path("users/<public_id:public_id>/deactivate/", views.user_deactivate, name="deactivate"),
    path("users/<public_id:public_id>/reactivate/", views.user_reactivate, name="reactivate"),
    path("users/<public_id:public_id>/role/", views.user_role, name="role"),
    path("users/<public_id:public_id>/delete/", views.user_delete, name="delete"),
    path("users/<public_id:public_id>/approve/", views.user_approve, name="approve"),
    path("users/<public_id:public_id>/reject/", views.user_reject, name="reject"),
    path("users/<public_id:public_id>/login-link/", views.user_login_link, name="login_link"),
    path("seats/", views_seats.seats, name="seats"),
    path("seats/free/", views_seats.seats_free_inactive, name="seats_free_inactive"),
    path("groups/", views_groups.groups, name="groups"),
    path("groups/<int:group_id>/", views_groups.group_detail, name="group"),
    path("groups/<int:group_id>/delete/", views_groups.group_delete, name="group_delete"),
    path("groups/<int:group_id>/members/", views_groups.group_add_member, name="group_add_member"),
    path(
        "groups/<int:group_id>/members/<public_id:public_id>/remove/",
        views_groups.group_remove_member,
        name="group_remove_member",
    ),
    path("authentication/", views.authentication, name="authentication"),
    path("audit/", views.audit, name="audit"),
    path("authentication/jwt/", views_jwt.jwt_settings, name="jwt"),
    path("authentication/jwt/switch/", views_jwt.jwt_switch, name="jwt_switch"),
    path("authentication/jwt/reveal/", views_jwt.jwt_reveal, name="jwt_reveal"),
    path("authentication/jwt/rotate/", views_jwt.jwt_rotate, name="jwt_rotate"),
    path("authentication/jwt/secret/", views_jwt.jwt_paste_secret, name="jwt_paste_secret"),
    path(
        "authentication/jwt/revoke-previous/",
        views_jwt.jwt_revoke_previous,
        name="jwt_revoke_previous",
    ),
    path("authentication/jwt/keys/", views_jwt.jwt_add_key, name="jwt_add_key"),
    path("authentication/jwt/jwks/", views_jwt.jwt_jwks_url, name="jwt_jwks_url"),
    path(
        "authentication/jwt/keys/<int:key_id>/remove/",
        views_jwt.jwt_remove_key,
        name="jwt_remove_key",
    ),
    path("authentication/jwt/policy/", views_jwt.jwt_policy, name="jwt_policy"),
    path("authentication/jwt/token-roles/", views_jwt.jwt_token_roles, name="jwt_token_roles"),
    path("token-tester/", views_jwt.token_tester, name="tester"),
    path("integration/", views_jwt.integration, name="integration"),
    path(
        "integration/login-link/", views_jwt.integration_login_link, name="integration_login_link"
    ),
    path("models/", views_models.models, name="models"),
    path("models/providers/<int:provider_id>/", views_models.provider_edit, name="provider"),
    path(
        "models/providers/<int:provider_id>/test/",
        views_models.provider_test,
        name="provider_test",
    ),
    path(
        "models/providers/<int:provider_id>/delete/",
        views_models.provider_delete,
        name="provider_delete",
    ),
    path("models/<int:model_id>/", views_models.model_action, name="model_action"),
    path("usage/", views_usage.usage, name="usage"),
    path("usage/export.csv", views_usage.usage_csv, name="usage_csv"),
    path("usage/groups/<int:group_id>/", views_usage.usage_group, name="usage_group"),
    path("usage/<public_id:public_id>/", views_usage.usage_user, name="usage_user"),
    path("api-keys/", views_apikeys.api_keys, name="apikeys"),
    path("api-keys/<int:key_id>/revoke/", views_apikeys.api_key_revoke, name="apikey_revoke"),
    path("widget/", views_widget.widget, name="widget"),
    path("branding/", views_branding.branding, name="branding"),
]
