from django.conf import settings


def site(request):
    return {"site_name": "Parley", "public_url": settings.PUBLIC_URL}
