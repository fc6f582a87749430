"""PreparedQuery (parley/prepared.py) runs the SQL the ORM wrote once: it must give what the
QuerySet gives, for each person their own rows, with Django's conversions applied."""

import datetime

import pytest

from parley.chat import conversations, sidebar
from parley.chat.models import Conversation
from parley.prepared import PreparedQuery

_BY_USER = PreparedQuery(
    lambda user_id: Conversation.objects.filter(user=user_id).only(
        "public_id", "title", "updated_at"
    ),
    "user_id",
)


def _orm(user):
    return list(Conversation.objects.filter(user=user).only("public_id", "title", "updated_at"))


@pytest.mark.django_db
def test_each_person_gets_exactly_their_own_rows_as_the_orm_lists_them(make_user):
    ann, bob, nobody = make_user(), make_user(), make_user()
    for person, count in ((ann, 3), (bob, 2)):
        for n in range(count):
            conversations.rename_conversation(
                user=person,
                public_id=conversations.create_conversation(user=person).public_id,
                title=f"{person.pk}-{n}",
            )
    for person in (ann, bob, nobody):
        rows = _BY_USER.fetch(user_id=person.pk)
        expected = _orm(person)
        assert [(r.pk, r.public_id, r.title, r.updated_at) for r in rows] == [
            (r.pk, r.public_id, r.title, r.updated_at) for r in expected
        ]
    assert len(_BY_USER.fetch(user_id=ann.pk)) == 3 and _BY_USER.fetch(user_id=nobody.pk) == []


@pytest.mark.django_db
def test_values_come_back_converted_and_deferred_fields_still_load(make_user):
    person = make_user()
    made = conversations.create_conversation(user=person)
    (row,) = _BY_USER.fetch(user_id=person.pk)
    # SQLite hands datetimes back as text: Django's converter must have run.
    assert isinstance(row.updated_at, datetime.datetime) and row.updated_at.tzinfo is not None
    assert row.updated_at == Conversation.objects.get(pk=made.pk).updated_at
    assert row.user_id == person.pk  # not selected: loaded on access, as with only()


@pytest.mark.django_db
def test_the_sidebar_lists_the_latest_conversations_first_and_only_the_persons(make_user):
    person, other = make_user(), make_user()
    first = conversations.create_conversation(user=person)
    second = conversations.create_conversation(user=person)
    conversations.create_conversation(user=other)
    Conversation.objects.filter(pk=first.pk).update(
        updated_at=second.updated_at + datetime.timedelta(minutes=1)
    )
    (today,) = sidebar.grouped_conversations(user=person)
    assert today.label == "Today"
    assert [c.public_id for c in today.conversations] == [first.public_id, second.public_id]


@pytest.mark.django_db
def test_queries_it_cannot_run_faithfully_are_refused_on_first_use():
    for build in (
        lambda user_id: Conversation.objects.filter(user=user_id).values("title"),
        lambda user_id: Conversation.objects.filter(user=user_id).select_related("model"),
        lambda user_id: Conversation.objects.filter(user=user_id).extra(select={"x": "1"}),
    ):
        with pytest.raises(TypeError, match="plain model queries"):
            PreparedQuery(build, "user_id").fetch(user_id=1)


@pytest.mark.django_db
def test_a_parameter_missing_from_the_call_or_the_sql_is_refused():
    with pytest.raises(TypeError, match="expected parameters"):
        _BY_USER.fetch(user=1)
    unused = PreparedQuery(lambda user_id: Conversation.objects.all(), "user_id")
    with pytest.raises(TypeError, match="not in the written SQL"):
        unused.fetch(user_id=1)
