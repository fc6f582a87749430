from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", include("parley.chat.urls")),
    path("", include("parley.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", include("parley.adminpanel.urls")),
    path("favicon.ico", RedirectView.as_view(url="/static/parley/favicon.svg", permanent=True)),
]

handler400 = "parley.web.errors.bad_request"
handler403 = "parley.web.errors.permission_denied"
handler404 = "parley.web.errors.page_not_found"
handler500 = "parley.web.errors.server_error"
