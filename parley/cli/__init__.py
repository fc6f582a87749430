"""`parley`: the operator's command line (DESIGN §9). Plain lines out; on error one line on
stderr and a non-zero exit, never a traceback. One module per command group."""

import argparse
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


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="parley", description="Run and administer a Parley instance.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group in COMMAND_GROUPS:
        group.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if before_setup := getattr(args, "before_setup", None):
            before_setup(args)  # serve's checks and environment, which settings read
        _setup_django()
        args.func(args)
    except (CommandError, ImproperlyConfigured) as error:
        print(f"parley: {error}", file=sys.stderr)
        return 2
    except ParleyError as error:
        print(f"parley: {error.user_message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
    import django

    django.setup()
