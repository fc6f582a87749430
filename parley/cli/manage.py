"""`parley manage …`: any Django management command, with Parley's settings."""

import argparse


def add_commands(sub) -> None:
    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=run_management_command)


def run_management_command(args) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["parley manage", *args.rest])
