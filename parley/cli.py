"""`parley`: the operator's command line (DESIGN §9). Plain lines out; on error one line on
stderr and a non-zero exit, never a traceback."""

import argparse
import json
import os
import sys

from django.core.exceptions import ImproperlyConfigured

from parley.errors import ParleyError


class CommandError(Exception):
    """A problem with the command's input: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise CommandError(f"{message} (see '{self.prog} --help')")


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
    import django

    django.setup()


def migrate_database():
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    # The shared cache's table when there is no Redis (settings.CACHES); else a no-op.
    call_command("createcachetable", verbosity=0)


def _login_link_for(user, *, created_by: str) -> str:
    from parley.accounts.login_links import create_login_link

    return create_login_link(user=user, created_by=created_by)


def _share_metrics_between(workers: int):
    """Several workers count metrics in files that any of them adds up when scraped
    (parley/ops/metrics.py). prometheus_client reads PROMETHEUS_MULTIPROC_DIR when imported,
    and granian forks the workers from this process: so it is set before Django starts."""
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    if workers == 1:
        return None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
    from django.conf import settings  # the settings only: no app, no prometheus_client yet

    from parley.ops import metrics_dir

    path = metrics_dir.prepare(data_dir=settings.DATA_DIR)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return path


def cmd_serve(args):
    from granian import Granian
    from granian.constants import Interfaces

    from parley.accounts.bootstrap import ensure_admin_login_link
    from parley.external_auth.ratelimit import retired_setting_warning

    migrate_database()
    if warning := retired_setting_warning():
        print(f"Warning: {warning}", file=sys.stderr, flush=True)
    link = ensure_admin_login_link()
    print(f"Parley is starting on http://{args.host}:{args.port}/", flush=True)
    if link:
        print("No admin has logged in yet. Log in as admin with this one-time link:", flush=True)
        print(f"  {link}", flush=True)
    try:
        Granian(
            "parley.asgi:application",
            address=args.host,
            port=args.port,
            interface=Interfaces.ASGI,
            workers=args.workers,
            log_access=False,  # Parley writes its own access log with secrets scrubbed
        ).serve()
    finally:
        if args.metrics_dir is not None:
            from parley.ops import metrics_dir

            metrics_dir.remove(args.metrics_dir)


def cmd_createadmin(args):
    from parley.accounts.services import create_or_promote_admin

    migrate_database()
    user = create_or_promote_admin(email=args.email)
    print(f"Admin {user.email} (user ID {user.public_id}) is ready. One-time login link:")
    print(_login_link_for(user, created_by="cli"))


def _parse_limit(text: str) -> int | None:
    if text.lower() == "unlimited":
        return None
    if not text.isdigit():
        raise CommandError(f"seat limit must be a whole number or 'unlimited', not {text!r}")
    return int(text)


def cmd_seats(args):
    from parley.accounts import services

    migrate_database()
    if args.seats_action == "set":
        usage = services.set_seat_limit(limit=_parse_limit(args.limit))
        print(f"Seat limit set: {usage}")
    else:
        print(services.seat_usage())


def cmd_users_list(args):
    from parley.accounts import services

    migrate_database()
    # Email signups still awaiting their code too ("unconfirmed"): the operator's full view.
    users = services.search_users(include_unconfirmed=True).order_by("created_at", "id")
    if args.json:
        print(json.dumps([_user_json(u) for u in users], indent=2))
        return
    rows = [("ID", "EMAIL", "STATUS", "ROLE", "CREATED VIA", "LAST LOGIN")]
    for u in users:
        last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "never"
        rows.append((u.public_id, u.email or "-", u.status, u.role, u.created_via, last))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _user_json(user) -> dict:
    return {
        "id": user.public_id,
        "email": user.email,
        "status": user.status,
        "role": user.role,
        "created_via": user.created_via,
        "metadata": user.metadata,
        "created_at": user.created_at.isoformat(),
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        "last_login_method": user.last_login_method or None,
    }


def cmd_apikey(args):
    from parley.api import keys

    migrate_database()
    if args.apikey_action == "create":
        _, secret = keys.create_api_key(name=args.name, created_by="cli")
        print(f"API key “{args.name.strip()}” created. It is shown only now; send it as")
        print("'Authorization: Bearer <key>':")
        print(secret)
    elif args.apikey_action == "list":
        rows = [("ID", "NAME", "PREFIX", "CREATED", "LAST USED", "STATUS")]
        for key in keys.list_api_keys():
            status = f"revoked {_when(key.revoked_at)}" if key.revoked_at else "active"
            created, used = _when(key.created_at), _when(key.last_used_at)
            rows.append((key.pk, key.name, key.prefix, created, used, status))
        _print_table(rows)
    elif args.apikey_action == "revoke":
        key = keys.revoke_api_key(key=keys.find_api_key(reference=args.key))
        print(f"API key {key.prefix}… (“{key.name}”) is revoked.")


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


def _print_table(rows):
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def cmd_manage(args):
    from django.core.management import execute_from_command_line

    execute_from_command_line(["parley manage", *args.rest])


def build_parser() -> argparse.ArgumentParser:
    # Imported here: cli_jwt builds on this module's CommandError and migrate_database.
    from parley.cli_jwt import add_jwt_commands

    parser = _Parser(prog="parley", description="Run and administer a Parley instance.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    serve = sub.add_parser("serve", help="migrate the database, then serve Parley")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)

    admin = sub.add_parser("createadmin", help="create or promote an admin; prints a login link")
    admin.add_argument("--email", required=True)
    admin.set_defaults(func=cmd_createadmin)

    seats = sub.add_parser("seats", help="show seats used/limit, or set the limit")
    seats_sub = seats.add_subparsers(dest="seats_action", parser_class=_Parser)
    seats_set = seats_sub.add_parser("set", help="set the seat limit: a number or 'unlimited'")
    seats_set.add_argument("limit")
    seats.set_defaults(func=cmd_seats)

    users = sub.add_parser("users", help="list users")
    users_sub = users.add_subparsers(dest="users_action", required=True, parser_class=_Parser)
    users_list = users_sub.add_parser("list", help="list all users")
    users_list.add_argument("--json", action="store_true", help="print JSON")
    users_list.set_defaults(func=cmd_users_list)

    add_jwt_commands(sub)

    apikey = sub.add_parser("apikey", help="admin API keys: create, list, revoke")
    apikey_sub = apikey.add_subparsers(dest="apikey_action", required=True, parser_class=_Parser)
    apikey_create = apikey_sub.add_parser("create", help="make a key; prints it (last line)")
    apikey_create.add_argument("--name", required=True, help="what the key is for")
    apikey_sub.add_parser("list", help="list keys (never the keys themselves)")
    apikey_revoke = apikey_sub.add_parser("revoke", help="revoke a key by ID or prefix")
    apikey_revoke.add_argument("key", help="the key's ID or prefix, e.g. pk_live_AbCd1234")
    apikey.set_defaults(func=cmd_apikey)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "serve" and not (0 < args.port < 65536 and args.workers >= 1):
            raise CommandError("--port must be 1-65535 and --workers at least 1")
        if args.command == "serve":
            # Links printed by serve must point where it listens, unless configured.
            os.environ.setdefault("PARLEY_PUBLIC_URL", f"http://{args.host}:{args.port}")
            # Settings read it: sessions and rate limits must not sit in each worker's memory.
            os.environ["PARLEY_SERVE_WORKERS"] = str(args.workers)
            args.metrics_dir = _share_metrics_between(args.workers)
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


if __name__ == "__main__":
    sys.exit(main())
