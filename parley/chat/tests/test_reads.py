"""The reply's reads in plain SQL (parley/chat/reads.py) say what the ORM says: whose
conversation it is, its model and provider, the limit that applies and today's count."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parley.chat import catalogue, conversations, reads
from parley.chat.models import ChatModel, Conversation, Message
from parley.tests.serving import postgres_database


@pytest.fixture
def person(make_user):
    return make_user(email="pat@example.com")


def _provider_model():
    provider = catalogue.save_provider(
        provider=None,
        name="Acme",
        base_url="https://llm.example.com/v1",
        api_key="sk-acme-123456",
        timeout_seconds=17,
        model_names=["acme-large"],
    )
    return provider.models.get()


def _context(user, conversation):
    return reads.reply_context(user=user, public_id=conversation.public_id)


@pytest.mark.django_db
def test_a_conversation_reads_with_its_model_and_provider_as_the_orm_has_them(person):
    model = _provider_model()
    conversation = conversations.create_conversation(user=person, model_id=model.pk)
    context = _context(person, conversation)
    stored = Conversation.objects.select_related("model__provider").get(pk=conversation.pk)
    assert (context.conversation.pk, context.conversation.title) == (stored.pk, stored.title)
    got, want = context.model, stored.model
    assert (got.pk, got.kind, got.name, got.label, got.enabled, got.is_default) == (
        want.pk, want.kind, want.name, want.label, want.enabled, want.is_default,
    )  # fmt: skip
    assert catalogue.model_target(model=got) == catalogue.model_target(model=want)
    assert got.provider.timeout_seconds == 17


@pytest.mark.django_db
def test_the_demo_model_and_a_deleted_model_read_as_the_orm_has_them(person):
    demo = catalogue.ensure_demo_model()
    on_demo = conversations.create_conversation(user=person, model_id=demo.pk)
    assert _context(person, on_demo).model.provider is None
    assert catalogue.model_target(model=_context(person, on_demo).model).kind == "demo"

    model = _provider_model()
    orphan = conversations.create_conversation(user=person, model_id=model.pk)
    ChatModel.objects.filter(pk=model.pk).delete()  # the conversation keeps no model
    assert _context(person, orphan).model is None


@pytest.mark.django_db
def test_someone_elses_conversation_reads_as_none(person, make_user):
    conversation = conversations.create_conversation(user=person)
    assert _context(make_user(), conversation) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("everyone", "member", "expected"),
    [(True, False, True), (False, True, True), (False, False, False)],
)
def test_whether_the_model_is_open_to_the_person_is_what_the_orm_says(
    person, make_group, everyone, member, expected
):
    model = _provider_model()
    conversation = conversations.create_conversation(user=person, model_id=model.pk)
    staff = make_group("Staff", *([person] if member else []))
    make_group("Other", person)  # a group without the model
    catalogue.set_model_access(model=model, everyone=everyone, groups=[staff])
    assert _context(person, conversation).model_allowed is expected
    assert catalogue.may_use(user=person, model=ChatModel.objects.get(pk=model.pk)) is expected


@pytest.mark.django_db
def test_recent_messages_are_the_newest_first_and_as_many_as_asked(person):
    conversation = conversations.create_conversation(user=person)
    for text in ["one", "two", "three"]:
        Message.objects.create(conversation=conversation, role="user", content=text)
    rows = reads.recent_messages(conversation_id=conversation.pk, count=2)
    assert [(role, content) for _, role, content in rows] == [("user", "three"), ("user", "two")]


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_the_reads_say_the_same_on_postgresql(tmp_path):
    """The same tests, in a pytest of their own on PostgreSQL: the SQL is plain but the
    two databases differ in booleans and date parameters."""
    if os.environ.get("PARLEY_READS_ON_POSTGRES"):
        pytest.skip("already the PostgreSQL run")
    with postgres_database() as url:
        env = {**os.environ, "DATABASE_URL": url, "PARLEY_DATA_DIR": str(tmp_path),
               "PARLEY_READS_ON_POSTGRES": "1"}  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__],
            env=env, capture_output=True, text=True, cwd=Path(__file__).parents[3],
        )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert "passed" in result.stdout and "failed" not in result.stdout
