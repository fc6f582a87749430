from django.urls import path, re_path

from . import views

app_name = "scim"

urlpatterns = [
    path("", views.unknown, name="root"),
    path("ServiceProviderConfig", views.service_provider_config),
    path("ResourceTypes", views.resource_types),
    path("ResourceTypes/<str:name>", views.resource_types),
    path("Schemas", views.schemas),
    path("Schemas/<str:name>", views.schemas),
    path(".search", views.root_search),
    path("Users", views.collection, {"kind": "Users"}),
    path("Users/.search", views.search, {"kind": "Users"}),
    path("Users/<str:scim_id>", views.resource, {"kind": "Users"}),
    path("Groups", views.collection, {"kind": "Groups"}),
    path("Groups/.search", views.search, {"kind": "Groups"}),
    path("Groups/<str:scim_id>", views.resource, {"kind": "Groups"}),
    re_path(r"^(?P<rest>.+)$", views.unknown),
]
