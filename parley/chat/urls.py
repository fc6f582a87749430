from django.urls import path

from . import views

# Included at the site root without a namespace (parley/urls.py), so names carry "chat_".
# The stream itself is not here: it is a native async handler (parley/chat/stream.py).
urlpatterns = [
    path("", views.home, name="home"),
    path("chat/new/", views.new_conversation, name="chat_new"),
    path("chat/search/", views.search, name="chat_search"),
    path("c/<str:public_id>/", views.conversation, name="chat_conversation"),
    path("c/<str:public_id>/rename/", views.rename, name="chat_rename"),
    path("c/<str:public_id>/delete/", views.delete, name="chat_delete"),
]
