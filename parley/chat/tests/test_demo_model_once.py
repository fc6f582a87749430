"""The built-in demo model exists once: simultaneous first page views of a fresh instance
make one row, and duplicates an older release made are merged by the migration."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import jwt
import psycopg
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from parley.chat.models import ChatModel, Conversation
from parley.tests.serving import parley_env, postgres_database, run_cli, serving

VISITORS = 20


def _first_page_views(base: str, secret: str) -> list[int]:
    """Each visitor logs in (a JWT code: no page that reads the models), then all open the
    chat page at the same moment."""
    at_once = threading.Barrier(VISITORS)

    def visit(n: int) -> int:
        code = jwt.encode({"user": {"id": f"visitor-{n}"}, "exp": int(time.time()) + 600}, secret)
        with httpx.Client(base_url=base, timeout=60) as browser:
            assert browser.get(f"/?externalAuthCode={code}").status_code == 303
            at_once.wait()
            return browser.get("/").status_code

    with ThreadPoolExecutor(max_workers=VISITORS) as pool:
        return list(pool.map(visit, range(VISITORS)))


@pytest.mark.postgres
@pytest.mark.timeout(180)
def test_twenty_simultaneous_first_page_views_on_postgres_make_one_demo_model(tmp_path):
    with postgres_database() as url:
        env = parley_env(tmp_path, DATABASE_URL=url, PARLEY_ACCESS_LOG="false")
        secret = run_cli(env, "jwt", "enable").strip().splitlines()[-1]
        with serving(env, tmp_path / "serve.log", workers=2) as base:
            statuses = _first_page_views(base, secret)
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
            rows = db.execute("SELECT is_default FROM chat_chatmodel WHERE kind = 'demo'")
            demo_rows = rows.fetchall()
    assert statuses == [200] * VISITORS, (tmp_path / "serve.log").read_text()[-3000:]
    assert demo_rows == [(True,)]


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_duplicate_demo_models_and_keeps_their_conversations(
    make_user,
):
    executor = MigrationExecutor(connection)
    executor.migrate([("chat", "0001_initial")])
    old = executor.loader.project_state([("chat", "0001_initial")]).apps
    OldChatModel = old.get_model("chat", "ChatModel")
    OldConversation = old.get_model("chat", "Conversation")
    first = OldChatModel.objects.create(kind="demo", name="demo", label="Demo")
    default = OldChatModel.objects.create(kind="demo", name="demo", label="Demo", is_default=True)
    third = OldChatModel.objects.create(kind="demo", name="demo", label="Demo")
    user = make_user()
    for n, model in enumerate((first, default, third)):
        OldConversation.objects.create(user_id=user.pk, public_id=f"c{n}", model=model, title="t")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert list(ChatModel.objects.filter(kind="demo").values_list("pk", flat=True)) == [default.pk]
    assert set(Conversation.objects.values_list("model_id", flat=True)) == {default.pk}
