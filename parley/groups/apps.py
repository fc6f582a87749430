from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "parley.groups"
    label = "groups"
