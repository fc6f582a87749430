from django.urls import path

from . import views

urlpatterns = [
    path("login/link/<str:token>/", views.login_link, name="login_link"),
    path("account/", views.account, name="account"),
]
