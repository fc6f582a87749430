"""What every command group shares: its parser class, its error, the migration it runs
first, and the plain table it prints."""

import argparse


class CommandError(Exception):
    """A problem with the command's input: printed as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise CommandError(f"{message} (see '{self.prog} --help')")


def migrate_database():
    from django.core.management import call_command

    from parley.ops.schema import schema_is_current

    if not schema_is_current():  # `migrate` with nothing to do costs ~0.25 s
        call_command("migrate", interactive=False, verbosity=0)
    # The shared cache's table when there is no Redis (settings.CACHES); else a no-op.
    call_command("createcachetable", verbosity=0)


def print_table(rows: list[tuple]) -> None:
    """Columns padded to their widest cell, two spaces apart; the first row is the header."""
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"
