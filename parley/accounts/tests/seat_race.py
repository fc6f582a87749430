"""Run as a script: N threads race to create users against a seat limit; prints the count.

Used by test_seats.py on SQLite and on PostgreSQL, in a fresh process so it gets the
database named by DATABASE_URL / PARLEY_DATA_DIR in its environment.
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
from parley.accounts.models import CreatedVia, User  # noqa: E402
from parley.errors import SeatLimitReached  # noqa: E402


def main(attempts: int, limit: int) -> None:
    call_command("migrate", interactive=False, verbosity=0)
    services.set_seat_limit(limit=limit)
    start = threading.Barrier(attempts)
    outcomes: list[str] = []

    def signup(n: int) -> None:
        start.wait()
        try:
            services.create_user(email=f"racer{n}@example.com", created_via=CreatedVia.EMAIL)
            outcomes.append("created")
        except SeatLimitReached:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=signup, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(
        f"created={outcomes.count('created')} refused={outcomes.count('refused')} "
        f"users={User.objects.count()} active={services.seats_used()}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
