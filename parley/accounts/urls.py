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
]
