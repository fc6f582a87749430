from django.urls import path, re_path

from . import views

urlpatterns = [
    re_path(
        r"^branding/logo-(?P<digest>[0-9a-f]{16})\.(?P<extension>png|svg)$",
        views.logo,
        name="branding_logo",
    ),
    re_path(r"^branding/theme-(?P<digest>[0-9a-f]{16})\.css$", views.theme, name="branding_theme"),
    path("favicon.ico", views.favicon, name="favicon"),
]
