from django.apps import AppConfig


class BrandingConfig(AppConfig):
    name = "parley.branding"
