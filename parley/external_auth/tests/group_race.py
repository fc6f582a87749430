"""Run as a script: ROUNDS times, two returning users log in at the same moment naming the
same group that does not exist yet (unknown groups create), each through the URL login in a
thread with its own connection; prints, per round, "<statuses> <groups named so> <members>".
(Returning users: first logins take the seat lock, which would serialise them.)

Used by test_token_groups_race.py on PostgreSQL, in a fresh process so it gets the database
named by DATABASE_URL in its environment.
"""

import os
import sys
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")

import django  # noqa: E402

django.setup()

import jwt  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from parley.accounts import services as accounts  # noqa: E402
from parley.accounts.models import CreatedVia  # noqa: E402
from parley.external_auth import services  # noqa: E402
from parley.groups import selectors  # noqa: E402


def main(rounds: int) -> None:
    call_command("migrate", interactive=False, verbosity=0)
    secret = services.enable_jwt()
    services.update_policy(groups_from_token=True, unknown_groups="create")
    for n in range(rounds):
        start = threading.Barrier(2)
        statuses = []

        def log_in(user_id, name, start=start, statuses=statuses):
            claims = {"user": {"id": user_id, "groups": [name]}, "exp": int(time.time()) + 60}
            code = jwt.encode(claims, secret, algorithm="HS256")
            start.wait()
            try:
                statuses.append(Client().get(f"/?externalAuthCode={code}").status_code)
            finally:
                connection.close()

        for side in "ab":
            accounts.create_user(email=None, public_id=f"u{n}-{side}", created_via=CreatedVia.API)
        threads = [
            threading.Thread(target=log_in, args=(f"u{n}-{side}", name))
            for side, name in (("a", f"Team {n}"), ("b", f"TEAM {n}"))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        found = list(selectors.search_groups(query=f"team {n}"))
        members = found[0].member_count if len(found) == 1 else 0
        print(f"{'+'.join(map(str, sorted(statuses)))} {len(found)} {members}")


if __name__ == "__main__":
    main(int(sys.argv[1]))
