"""Where the switch-account question posts its answer (DESIGN §4.4)."""

from django.urls import path

from . import views

urlpatterns = [
    path("auth/switch-account/", views.switch_account, name="external_auth_switch"),
]
