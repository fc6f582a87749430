"""Run as a script: ROUNDS times, the last two active admins delete each other at once, each
from a thread with its own connection; prints how many admins each round left.

Used by test_last_admin_race.py on PostgreSQL, in a fresh process so it gets the database
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
from parley.errors import LastAdmin  # noqa: E402


def active_admins() -> int:
    return User.objects.filter(role=Role.ADMIN, status=Status.ACTIVE).count()


def main(rounds: int) -> None:
    call_command("migrate", interactive=False, verbosity=0)
    survivor = services.create_user(
        email="admin-0@example.com", role=Role.ADMIN, created_via=CreatedVia.CLI
    )
    left = []
    for n in range(1, rounds + 1):
        other = services.create_user(
            email=f"admin-{n}@example.com", role=Role.ADMIN, created_via=CreatedVia.CLI
        )
        start = threading.Barrier(2)

        def delete(user, start=start):
            start.wait()
            try:
                services.delete_user(user=user)
            except LastAdmin:
                pass
            finally:
                connection.close()

        threads = [threading.Thread(target=delete, args=(u,)) for u in (survivor, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        left.append(active_admins())
        survivor = User.objects.filter(role=Role.ADMIN, status=Status.ACTIVE).first()
        if survivor is None:
            break
    print(" ".join(map(str, left)))


if __name__ == "__main__":
    main(int(sys.argv[1]))
