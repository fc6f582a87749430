"""`parley`: the operator's command line (DESIGN §9). Plain lines out; on error one line on
stderr and a non-zero exit, never a traceback. One module per command group."""

import argparse
import gc
import os
import sys

from django.core.exceptions import ImproperlyConfigured

from parley.cli import (
    admin,
    apikey,
    branding,
    groups,
    jwt,
    manage,
    mfa,
    scim,
    seats,
    serve,
    sso,
    users,
)
from parley.cli.base import CommandError, Parser
from parley.errors import ParleyError

COMMAND_GROUPS = (
    serve, admin, seats, users, groups, branding, jwt, apikey, sso, scim, mfa, manage,
)  # fmt: skip
# The group behind each top-level command: a command builds only its own group's parsers
# (all forty take ~0.03 s); `parley --help` and unknown commands build them all.
GROUP_OF = {"serve": serve, "createadmin": admin, "seats": seats, "users": users,
            "groups": groups, "branding": branding, "jwt": jwt, "apikey": apikey, "sso": sso,
            "scim": scim, "mfa": mfa, "manage": manage}  # fmt: skip


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = Parser(prog="parley", description="Run and administer a Parley instance.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group in [GROUP_OF[command]] if command in GROUP_OF else COMMAND_GROUPS:
        group.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # A command is a short-lived process that creates hundreds of thousands of objects while
    # Django imports and sets up every app, none of them garbage: owns_gc during that is
    # ~0.1 s of a ~0.8 s `parley seats` (bench/README.md). What set-up made is then frozen
    # (never scanned again; `parley serve`'s workers inherit it) and collection resumes.
    # Not when Django is already set up (tests call main() in their own process).
    owns_gc = gc.isenabled() and not _django_ready()
    if owns_gc:
        gc.disable()
    try:
        args = build_parser(argv[0] if argv else None).parse_args(argv)
        if before_setup := getattr(args, "before_setup", None):
            before_setup(args)  # serve's checks and environment, which settings read
        _setup_django()
        if owns_gc:
            gc.freeze()
            gc.enable()
        args.func(args)
    except (CommandError, ImproperlyConfigured) as error:
        print(f"parley: {error}", file=sys.stderr)
        return 2
    except ParleyError as error:
        print(f"parley: {error.user_message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        if owns_gc:
            gc.enable()
    return 0


def _django_ready() -> bool:
    from django.apps import apps

    return apps.ready


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
    import django

    django.setup()
