from django.conf import settings


def site(request):
    # site_name comes from parley.branding.context_processors.branding.
    return {"public_url": settings.PUBLIC_URL}
