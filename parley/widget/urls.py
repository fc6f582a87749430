from django.urls import path

from . import views

urlpatterns = [
    path("widget.js", views.widget_js, name="widget_js"),
    path("widget/frame/", views.frame, name="widget_frame"),
    path("widget/login/", views.login, name="widget_login"),
    path("widget/conversations/", views.conversations, name="widget_conversations"),
    path("widget/conversations/<str:public_id>/", views.messages, name="widget_conversation"),
]
