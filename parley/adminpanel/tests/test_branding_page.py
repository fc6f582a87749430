"""Admin Panel → Branding through HTTP: saving, a clear error for each bad value (and nothing
changed), the logo upload and its removal."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parley.branding.logo import MAX_LOGO_BYTES
from parley.branding.selectors import current_brand
from parley.branding.tests.test_logo_checks import SVG, png

URL = reverse("adminpanel:branding")
FORM = {
    "name": "Acme Chat",
    "accent_color": "#ff6600",
    "welcome_text": "Hi",
    "starter_prompts": ["One", "", "Two", ""],
    "email_from_name": "",
    "email_subject_prefix": "",
    "return_url": "https://app.acme.test",
}


def test_the_page_shows_the_current_branding_and_a_live_preview(admin_client):
    html = admin_client.get(URL).content.decode()
    assert 'value="Parley"' in html and 'value="#4f46e5"' in html
    assert 'id="brand-preview"' in html and "adminpanel/branding.js" in html
    assert html.count('name="starter_prompts"') == 4


def test_saving_applies_everywhere_and_lands_on_a_reloadable_page(admin_client):
    response = admin_client.post(URL, FORM)
    assert response.status_code == 302 and response["Location"] == URL
    brand = current_brand()
    assert (brand.name, brand.accent_color, brand.starter_prompts) == (
        "Acme Chat",
        "#ff6600",
        ("One", "Two"),
    )
    page = admin_client.get(URL).content.decode()
    assert "Branding saved" in page and "<title>Branding · Admin · Acme Chat</title>" in page


def test_each_bad_value_gets_its_reason_and_changes_nothing(admin_client):
    for field, value, said in [
        ("accent_color", "orange", "is not a colour"),
        ("return_url", "javascript:alert(1)", "must start with https:// or http://"),
        ("name", "   ", "needs a name"),
        ("starter_prompts", ["1", "2", "3", "4", "5"], "At most 4 starter prompts"),
    ]:
        response = admin_client.post(URL, {**FORM, field: value})
        assert response.status_code == 200, field
        assert said in response.content.decode(), field
        assert current_brand().name == "Parley"


def test_a_logo_is_uploaded_shown_and_removed(admin_client):
    upload = SimpleUploadedFile("logo.png", SVG, content_type="image/png")  # the name lies
    assert admin_client.post(URL, {**FORM, "logo": upload}).status_code == 302
    brand = current_brand()
    assert brand.logo_content_type == "image/svg+xml"
    assert f'src="{brand.logo_url}"' in admin_client.get(URL).content.decode()
    assert admin_client.post(URL, {**FORM, "remove_logo": "on"}).status_code == 302
    assert current_brand().logo_url == ""


def test_an_oversized_or_non_image_or_scripted_logo_is_refused(admin_client):
    for data, said in [
        (png() + b"\x00" * MAX_LOGO_BYTES, "larger than 256 KiB"),
        (b"<html><script>alert(1)</script></html>", "PNG or SVG"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handler"),
    ]:
        upload = SimpleUploadedFile("logo.svg", data, content_type="image/svg+xml")
        response = admin_client.post(URL, {**FORM, "logo": upload})
        assert response.status_code == 200
        assert said in response.content.decode()
    assert current_brand().logo_url == "" and current_brand().name == "Parley"
