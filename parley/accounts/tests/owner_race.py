"""Run as a script: ROUNDS times, the last two active owners delete, deactivate or demote
(ACTION) each other at once, each
from a thread with its own connection; prints how many owners each round left.

Used by test_last_owner_race.py on PostgreSQL, in a fresh process so it gets the database
named by DATABASE_URL in its environment.
"""

import os
import sys
import threading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from parley.accounts import services  # noqa: E402
from parley.accounts.models import CreatedVia, Role, Status, User  # noqa: E402
from parley.errors import LastOwner  # noqa: E402


def active_owners() -> int:
    return User.objects.filter(role=Role.OWNER, status=Status.ACTIVE).count()


ACTIONS = {
    "delete": lambda user: services.delete_user(user=user),
    "deactivate": lambda user: services.deactivate_user(user=user),
    "demote": lambda user: services.set_role(by="test", user=user, role=Role.MEMBER),
}


def main(rounds: int, action: str) -> None:
    call_command("migrate", interactive=False, verbosity=0)
    survivor = services.create_user(
        email="admin-0@example.com", role=Role.OWNER, created_via=CreatedVia.CLI
    )
    left = []
    for n in range(1, rounds + 1):
        other = services.create_user(
            email=f"admin-{n}@example.com", role=Role.OWNER, created_via=CreatedVia.CLI
        )
        start = threading.Barrier(2)

        def remove(user, start=start):
            start.wait()
            try:
                ACTIONS[action](user)
            except LastOwner:
                pass
            finally:
                connection.close()

        threads = [threading.Thread(target=remove, args=(u,)) for u in (survivor, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        left.append(active_owners())
        survivor = User.objects.filter(role=Role.OWNER, status=Status.ACTIVE).first()
        if survivor is None:
            break
    print(" ".join(map(str, left)))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
