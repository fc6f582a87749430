from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "parley.sso"
    label = "sso"
    verbose_name = "Single sign-on"
