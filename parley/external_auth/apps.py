from django.apps import AppConfig


class ExternalAuthConfig(AppConfig):
    name = "parley.external_auth"
    label = "external_auth"
