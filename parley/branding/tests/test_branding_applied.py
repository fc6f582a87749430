"""Branding applied wherever the name shows: page titles, the top bar, the chat, the error
pages, mails and the widget; the logo and the accent at content-hashed, long-cached URLs."""

import re
import time

import jwt
import pytest
from django.core import mail
from django.test import RequestFactory

from parley.branding import services
from parley.branding.selectors import current_brand
from parley.web.errors import server_error

from .test_logo_checks import SVG, png

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.fixture
def acme(db):
    return services.update_branding(
        name="Acme Chat",
        accent_color="#FF6600",
        welcome_text="Ask the Acme assistant.\nIt knows our docs.",
        starter_prompts=["Summarise my week", "Draft a <b>reply</b>"],
        return_url="https://app.acme.test/home",
    )


def test_a_fresh_instance_is_called_parley(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert "<title>Log in · Parley</title>" in html
    assert current_brand().accent_color == "#4f46e5"


def test_the_chat_carries_the_name_welcome_prompts_and_accent(member_client, acme):
    html = member_client.get("/").content.decode()
    assert re.search(r"<title>[^<]*Acme Chat</title>", html)
    assert '<a class="brand" href="/">' in html and "Acme Chat</a>" in html
    assert 'placeholder="Message Acme Chat…"' in html
    assert "Ask the Acme assistant.<br>It knows our docs." in html
    assert 'data-fill-composer="Summarise my week"' in html
    assert "Draft a &lt;b&gt;reply&lt;/b&gt;" in html  # a prompt is text, never markup
    assert "Parley" not in html.split("<body", 1)[1]
    theme = re.search(r'href="(/branding/theme-[0-9a-f]{16}\.css)"', html).group(1)
    css = member_client.get(theme)
    assert css["Content-Type"].startswith("text/css")
    assert "--accent:#ff6600" in css.content.decode()
    assert "immutable" in css["Cache-Control"] and "max-age=31536000" in css["Cache-Control"]


def test_a_new_accent_is_a_new_stylesheet_address(client, acme):
    old = current_brand().theme_url
    services.update_branding(accent_color="#112233")
    assert current_brand().theme_url != old
    assert client.get(old).status_code == 404
    assert "--accent:#112233" in client.get(current_brand().theme_url).content.decode()


def test_the_login_page_and_the_404_page_are_branded(client, acme):
    assert "Log in to Acme Chat" in client.get("/accounts/login/").content.decode()
    page = client.get("/no/such/page/")
    assert page.status_code == 404
    assert "<title>Page not found · Acme Chat</title>" in page.content.decode()


def test_the_500_page_is_branded_and_survives_a_database_that_is_gone(acme, monkeypatch):
    request = RequestFactory().get("/")
    html = server_error(request).content.decode()
    assert "Something went wrong · Acme Chat" in html and "theme-" in html

    from django.db import OperationalError

    from parley.branding import selectors

    def gone(*args, **kwargs):
        raise OperationalError("database is gone")

    services.forget_cached_branding()
    monkeypatch.setattr(selectors.Branding.objects, "defer", gone)
    assert "Something went wrong · Parley" in server_error(request).content.decode()


def test_the_logo_is_served_by_hash_as_an_image_that_cannot_script(client, db):
    brand = services.update_branding(logo=SVG)
    assert re.fullmatch(r"/branding/logo-[0-9a-f]{16}\.svg", brand.logo_url)
    response = client.get(brand.logo_url)
    assert response.status_code == 200
    assert response.content == SVG
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response["Cache-Control"]
    assert client.get(brand.logo_url.replace(".svg", ".png")).status_code == 404
    assert client.get("/branding/logo-0000000000000000.svg").status_code == 404


def test_the_logo_is_the_favicon_and_the_top_bar_image(client, db):
    assert client.get("/favicon.ico")["Location"] == "/static/parley/favicon.svg"
    brand = services.update_branding(logo=png())
    html = client.get("/accounts/login/").content.decode()
    assert f'<link rel="icon" href="{brand.logo_url}" type="image/png">' in html
    assert f'<img src="{brand.logo_url}" alt="" height="22">' in html
    assert client.get("/favicon.ico")["Location"] == brand.logo_url
    services.update_branding(logo=None)
    assert client.get(brand.logo_url).status_code == 404


def test_branding_is_read_from_the_cache_and_a_change_is_seen_at_once(
    db, django_assert_num_queries
):
    current_brand()
    with django_assert_num_queries(0):
        assert current_brand().name == "Parley"
    services.update_branding(name="Renamed")
    assert current_brand().name == "Renamed"


def test_mails_carry_the_sender_name_subject_prefix_and_name(client, make_user, acme):
    make_user(email="casey@example.com")
    make_user(email="robin@example.com")
    client.post("/accounts/login/", {"login": "casey@example.com"})
    sent = mail.outbox[-1]
    assert sent.subject == "[Acme Chat] Your login code"
    assert sent.from_email == "Acme Chat <parley@localhost>"
    assert "log in to Acme Chat" in sent.body and "— Acme Chat" in sent.body
    services.update_branding(email_from_name="Acme Support", email_subject_prefix="Acme:")
    client.logout()
    client.post("/accounts/login/", {"login": "robin@example.com"})
    assert len(mail.outbox) == 2
    assert mail.outbox[-1].subject == "Acme: Your login code"
    assert mail.outbox[-1].from_email == "Acme Support <parley@localhost>"


def test_a_jwt_error_page_leads_back_to_the_app_not_to_the_email_login(client, secret, acme):
    expired = jwt.encode({"id": "42", "exp": int(time.time()) - 3600}, secret, "HS256")
    html = client.get(f"/?externalAuthCode={expired}").content.decode()
    assert 'href="https://app.acme.test/home"' in html and "Back to app.acme.test" in html
    assert "Go to the start page" not in html
    services.update_branding(return_url="")
    html = client.get(f"/?externalAuthCode={expired}").content.decode()
    assert "Go to the start page" in html and "app.acme.test" not in html


def test_the_widget_takes_the_accent_unless_it_has_its_own(client, acme):
    from parley.widget import services as widget

    found = widget.widget_settings()
    assert found.accent_color == ""
    assert '"accentColor": "#ff6600"' in client.get("/widget/frame/").content.decode()
    widget.update_widget_settings(
        allowed_origins=[],
        title="Help",
        accent_color="#123456",
        position="bottom-right",
        open_on_load=False,
    )
    assert '"accentColor": "#123456"' in client.get("/widget/frame/").content.decode()


def test_the_widgets_message_box_names_the_instance(client, acme):
    assert 'placeholder="Message Acme Chat…"' in client.get("/widget/frame/").content.decode()
