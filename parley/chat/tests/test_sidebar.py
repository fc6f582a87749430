"""The conversation list: grouped by day in the instance's time zone, searched by title and
message text, renamed and deleted from the page's script; only ever one's own."""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from parley.chat import sidebar
from parley.chat.models import Conversation, Message
from parley.tests.serving import postgres_database

pytestmark = pytest.mark.django_db


def _conversation(user, title, *, days_ago=0, text=""):
    found = Conversation.objects.create(
        user=user, public_id=f"c{Conversation.objects.count()}x", title=title
    )
    if text:
        Message.objects.create(conversation=found, role="user", content=text)
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Conversation.objects.filter(pk=found.pk).update(updated_at=when)
    return found


def test_groups_are_today_yesterday_previous_seven_days_and_older():
    zone = ZoneInfo("Pacific/Auckland")
    today = datetime.date(2026, 3, 10)

    def label(y, m, d, h):
        updated = datetime.datetime(y, m, d, h, tzinfo=datetime.UTC)
        return sidebar.group_label(updated=updated, today=today, zone=zone)

    assert label(2026, 3, 9, 12) == "Today"  # 01:00 on the 10th in Auckland
    assert label(2026, 3, 9, 10) == "Yesterday"  # 23:00 on the 9th there
    assert label(2026, 3, 3, 12) == "Previous 7 days"
    assert label(2026, 3, 1, 12) == "Older"


def test_the_page_lists_conversations_under_their_day(member_client):
    user = member_client.user
    _conversation(user, "Fresh")
    _conversation(user, "From yesterday", days_ago=1)
    _conversation(user, "Last week", days_ago=4)
    _conversation(user, "Ancient", days_ago=40)
    html = member_client.get("/").content.decode()
    order = ["Today", "Fresh", "Yesterday", "From yesterday", "Previous 7 days", "Last week",
             "Older", "Ancient"]  # fmt: skip
    positions = [html.index(f">{text}<") for text in order]
    assert positions == sorted(positions)


def test_search_finds_titles_and_message_text_of_ones_own_only(member_client, make_user):
    user = member_client.user
    _conversation(user, "Trip to Lisbon")
    _conversation(user, "Taxes", text="What about the LISBON office?")
    _conversation(user, "Unrelated", text="nothing here")
    _conversation(make_user(), "Lisbon too", text="lisbon")
    response = member_client.get("/chat/search/", {"q": "lisbon"})
    assert response.status_code == 200
    assert [r["title"] for r in response.json()["results"]] == ["Taxes", "Trip to Lisbon"]
    assert member_client.get("/chat/search/", {"q": "  "}).json() == {"results": []}


def test_search_returns_a_limited_number_of_results(member_client):
    for i in range(sidebar.SEARCH_LIMIT + 5):
        _conversation(member_client.user, f"Topic {i}")
    results = member_client.get("/chat/search/", {"q": "topic"}).json()["results"]
    assert len(results) == sidebar.SEARCH_LIMIT


def test_search_needs_a_login(client):
    response = client.get("/chat/search/", {"q": "x"})
    assert response.status_code == 302


def test_rename_and_delete_answer_json_to_the_script(member_client):
    found = _conversation(member_client.user, "Old")
    json = {"HTTP_ACCEPT": "application/json"}
    response = member_client.post(
        f"/c/{found.public_id}/rename/", {"title": "  New  name "}, **json
    )
    assert response.json() == {"id": found.public_id, "title": "New name"}
    response = member_client.post(f"/c/{found.public_id}/rename/", {"title": " "}, **json)
    assert response.status_code == 422 and response.json()["message"] == "A title cannot be empty."
    response = member_client.post(f"/c/{found.public_id}/delete/", **json)
    assert response.json() == {"id": found.public_id, "deleted": True}
    assert not Conversation.objects.filter(pk=found.pk).exists()


def test_another_persons_conversation_cannot_be_renamed_or_deleted(member_client, make_user):
    theirs = _conversation(make_user(), "Theirs")
    json = {"HTTP_ACCEPT": "application/json"}
    assert (
        member_client.post(f"/c/{theirs.public_id}/rename/", {"title": "x"}, **json).status_code
        == 404
    )
    assert member_client.post(f"/c/{theirs.public_id}/delete/", **json).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_grouping_and_search_say_the_same_on_postgresql(tmp_path):
    """This file's tests in a pytest of their own on PostgreSQL, whose case-insensitive
    LIKE (UPPER … LIKE UPPER) and time zones are not SQLite's."""
    if os.environ.get("PARLEY_SIDEBAR_ON_POSTGRES"):
        pytest.skip("already the PostgreSQL run")
    with postgres_database() as url:
        env = {**os.environ, "DATABASE_URL": url, "PARLEY_DATA_DIR": str(tmp_path),
               "PARLEY_SIDEBAR_ON_POSTGRES": "1"}  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__],
            env=env, capture_output=True, text=True, cwd=Path(__file__).parents[3],
        )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert "passed" in result.stdout and "failed" not in result.stdout
