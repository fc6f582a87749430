from django.urls import path, register_converter

from . import views
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
    path("users/<public_id:public_id>/login-link/", views.user_login_link, name="login_link"),
    path("seats/", views.seats, name="seats"),
    path("authentication/", views.authentication, name="authentication"),
    path("audit/", views.audit, name="audit"),
]
