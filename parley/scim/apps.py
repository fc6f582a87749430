from django.apps import AppConfig


class ScimConfig(AppConfig):
    name = "parley.scim"
    label = "scim"
