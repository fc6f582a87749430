"""Is the database's schema up to date? A cheap answer for the `parley` commands, which
migrate first (parley/cli/base.py).

Django's `migrate` with nothing to do still imports its command machinery and every
migration module, builds the graph and sends post_migrate (content types and permissions
of every app, dozens of queries): about a quarter of a second, more than the rest of a
command like `parley seats`. Here the migration files on disk (found without importing
them) are compared with the rows of django_migrations in one query. Only "every file on
disk is applied" skips `migrate`; anything else (a new file, a fresh or foreign database,
a squashed migration not recorded under its own name) runs it, as before.
"""

import importlib.util
import pkgutil

from django.apps import apps
from django.db import DatabaseError, connection, transaction


def migration_files() -> set[tuple[str, str]]:
    """(app label, migration name) of every migration file of the installed apps."""
    found = set()
    for app in apps.get_app_configs():
        try:
            spec = importlib.util.find_spec(f"{app.name}.migrations")
        except ModuleNotFoundError:
            spec = None
        if spec is None or not spec.submodule_search_locations:
            continue
        for module in pkgutil.iter_modules(spec.submodule_search_locations):
            if not module.ispkg and module.name[0] not in "_~":
                found.add((app.label, module.name))
    return found


def applied_migrations() -> set[tuple[str, str]]:
    try:
        # A savepoint inside a transaction: PostgreSQL aborts the whole transaction on an error.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            return set(cursor.fetchall())
    except DatabaseError:  # no table yet: a new database
        return set()


def schema_is_current() -> bool:
    return migration_files() <= applied_migrations()
