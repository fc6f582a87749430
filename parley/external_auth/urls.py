from django.urls import path

from . import views

urlpatterns = [
    path("auth/switch-account/", views.switch_account, name="external_auth_switch"),
]
