"""How many SQL queries an ordinary signed-in page costs (bench/README.md).

A logged-in page with a warm session runs one query for the user row (so that a
deactivation or role change takes effect on the next request). The session itself comes
from the cache (cached_db), so a session query here means sessions stopped being cached.
The chat home adds its own two: the person's conversations and the models to pick from.
"""

from django.conf import settings


def test_signed_in_home_page_runs_three_queries(member_client, django_assert_max_num_queries):
    member_client.get("/")  # warm: the session is now in the cache
    with django_assert_max_num_queries(3) as captured:
        response = member_client.get("/")
    assert response.status_code == 200
    assert b"Welcome" in response.content
    assert "django_session" not in " ".join(q["sql"] for q in captured.captured_queries)


def test_sessions_stay_in_the_database(member_client):
    # Any worker on any host must accept the session (DESIGN §1): the cache is only a
    # read-through copy of the database row.
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    from django.contrib.sessions.models import Session

    key = member_client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()


def test_the_account_page_runs_only_the_user_query(member_client, django_assert_num_queries):
    member_client.get("/account/")
    with django_assert_num_queries(1):
        response = member_client.get("/account/")
    assert response.status_code == 200
    assert member_client.user.public_id.encode() in response.content
