"""`{% static %}` and `{% url 'name' %}` remember their answers per process
(parley/web/templatetags): what a page shows must still follow the settings and the request."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix


def _render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_static_urls_follow_a_change_of_static_url():
    page = "{% load static %}{% static 'parley/site.css' %}"
    assert _render(page) == "/static/parley/site.css"
    with override_settings(STATIC_URL="/elsewhere/"):
        assert _render(page) == "/elsewhere/parley/site.css"
    assert _render(page) == "/static/parley/site.css"


def test_static_takes_a_variable_path_and_as():
    page = "{% load static %}{% static path as found %}[{{ found }}]"
    assert _render(page, path="parley/site.js") == "[/static/parley/site.js]"
    assert _render(page, path="chat/chat.js") == "[/static/chat/chat.js]"


@pytest.fixture
def prefix():
    yield set_script_prefix
    set_script_prefix("/")


def test_a_fixed_url_is_the_one_django_reverses(prefix):
    assert (
        _render("{% url 'home' %}|{% url 'account' %}") == f"{reverse('home')}|{reverse('account')}"
    )


def test_a_fixed_url_follows_the_requests_script_prefix(prefix):
    page = "{% url 'account' %}"
    assert _render(page) == "/account/"
    prefix("/parley/")  # Parley served under a path, as a proxy may set SCRIPT_NAME
    assert _render(page) == "/parley/account/"
    prefix("/")
    assert _render(page) == "/account/"


def test_urls_with_arguments_and_as_still_work_and_unknown_names_still_fail(prefix):
    assert _render("{% url 'chat_conversation' 'abc' %}") == reverse(
        "chat_conversation", args=["abc"]
    )
    assert _render("{% url 'no-such-page' as found %}[{{ found }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        _render("{% url 'no-such-page' %}")


def test_fixed_urls_are_escaped_like_djangos(prefix):
    prefix("/a&b/")
    assert _render("{% url 'account' %}") == "/a&amp;b/account/"
    assert _render("{% autoescape off %}{% url 'account' %}{% endautoescape %}") == "/a&b/account/"
