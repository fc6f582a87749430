from django.apps import AppConfig


class AdminpanelConfig(AppConfig):
    name = "parley.adminpanel"
    label = "adminpanel"
