from django.urls import path

from . import views

urlpatterns = [
    path(
        "login/link/second-factor/",
        views.login_link_second_factor,
        name="login_link_second_factor",
    ),
    path("login/link/<str:token>/", views.login_link, name="login_link"),
    path("account/", views.account, name="account"),
    path("account/edit/", views.account_edit, name="account_edit"),
    path("account/email/", views.account_email, name="account_change_email"),
    path(
        "account/email/confirm/",
        views.account_email_confirm,
        name="account_change_email_confirm",
    ),
    path("account/email/cancel/", views.account_email_cancel, name="account_change_email_cancel"),
]
