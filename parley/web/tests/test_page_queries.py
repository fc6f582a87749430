"""How many SQL queries an ordinary signed-in page costs (bench/README.md).

A logged-in page with a warm session runs no query at all: the session comes from the
cache (cached_db), and so does the user row (accounts/user_cache.py, cleared by every change
to the person, so a deactivation or role change still holds on the next request). A session
or user query here means one of them stopped being cached. The chat home runs its own two:
the person's conversations and the models to pick from.
"""

from django.conf import settings


def test_signed_in_home_page_runs_two_queries(member_client, django_assert_max_num_queries):
    member_client.get("/")  # warm: the session and the user are now in the cache
    with django_assert_max_num_queries(2) as captured:
        response = member_client.get("/")
    assert response.status_code == 200
    assert b"Welcome" in response.content
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "django_session" not in sql and '"accounts_user"' not in sql


def test_sessions_stay_in_the_database(member_client):
    # Any worker on any host must accept the session (DESIGN §1): the cache is only a
    # read-through copy of the database row.
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    from django.contrib.sessions.models import Session

    key = member_client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()


def test_the_account_page_runs_no_query(member_client, django_assert_num_queries):
    member_client.get("/account/")
    with django_assert_num_queries(0):
        response = member_client.get("/account/")
    assert response.status_code == 200
    assert member_client.user.public_id.encode() in response.content
