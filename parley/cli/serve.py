"""`parley serve`: migrate, print the first admin's login link, then serve with granian."""

import os
import sys

from parley.cli.base import CommandError, migrate_database


def add_commands(sub) -> None:
    serve = sub.add_parser("serve", help="migrate the database, then serve Parley")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=serve_parley, before_setup=configure)


def configure(args) -> None:
    if not (0 < args.port < 65536 and args.workers >= 1):
        raise CommandError("--port must be 1-65535 and --workers at least 1")
    # Links printed by serve must point where it listens, unless configured.
    os.environ.setdefault("PARLEY_PUBLIC_URL", f"http://{args.host}:{args.port}")
    # Settings read it: sessions and rate limits must not sit in each worker's memory.
    os.environ["PARLEY_SERVE_WORKERS"] = str(args.workers)


def serve_parley(args) -> None:
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
    Granian(
        "parley.asgi:application",
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=args.workers,
        log_access=False,  # Parley writes its own access log with secrets scrubbed
    ).serve()
