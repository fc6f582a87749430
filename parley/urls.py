from django.http import Http404
from django.urls import include, path, re_path

from parley.api.urls import urls as api_urls


def not_offered(request, *args, **kwargs):
    raise Http404


urlpatterns = [
    # allauth pages Parley does not offer: there are no passwords, and a person's email
    # changes only through the admin panel or their JWT (services keep seats and the
    # one-email-per-user rule there). Re-authenticating by password neither; by an email
    # code (reauthenticate/code/) it guards adding or removing a second factor.
    # Nor allauth's social account pages: every SSO login ends in parley.sso's own login,
    # and people connect no accounts themselves.
    re_path(r"^accounts/(email/|password/|reauthenticate/$|3rdparty/|social/)", not_offered),
    path("", include("parley.chat.urls")),
    path("", include("parley.branding.urls")),  # logo, accent stylesheet, favicon.ico
    path("", include("parley.widget.urls")),
    path("", include("parley.accounts.urls")),
    path("", include("parley.external_auth.urls")),
    path("", include("parley.sso.urls")),  # before allauth's: the same paths, tightened
    path("accounts/", include("allauth.urls")),
    path("admin/", include("parley.adminpanel.urls")),
    path("api/v1/", api_urls),
    path("scim/v2/", include("parley.scim.urls")),
]

handler400 = "parley.web.errors.bad_request"
handler403 = "parley.web.errors.permission_denied"
handler404 = "parley.web.errors.page_not_found"
handler500 = "parley.ops.views.server_error"  # 503 when the DB/Redis is gone, else 500
