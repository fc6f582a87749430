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
    args.public_url_configured = bool(os.environ.get("PARLEY_PUBLIC_URL"))
    os.environ.setdefault("PARLEY_PUBLIC_URL", f"http://{args.host}:{args.port}")
    # Settings read it: sessions and rate limits must not sit in each worker's memory.
    os.environ["PARLEY_SERVE_WORKERS"] = str(args.workers)
    args.metrics_dir = _share_metrics_between(args.workers)


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


def link_url(*, host: str, port: int) -> str:
    """The address a link on this machine opens: a listen-all host is reached on loopback."""
    listen_all = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "[::]": "[::1]"}  # noqa: S104
    host = listen_all.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _note_served_url(args) -> None:
    """Tell the other `parley` commands on this data dir where links go (settings read it
    when PARLEY_PUBLIC_URL is unset): the public URL when configured, else this address."""
    from django.conf import settings

    url = (
        settings.PUBLIC_URL
        if args.public_url_configured
        else link_url(host=args.host, port=args.port)
    )
    settings.SERVED_URL_FILE.write_text(url + "\n")


def serve_parley(args) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    from parley.accounts.bootstrap import ensure_admin_login_link
    from parley.external_auth.ratelimit import retired_setting_warning

    migrate_database()
    _note_served_url(args)
    if warning := retired_setting_warning():
        print(f"Warning: {warning}", file=sys.stderr, flush=True)
    link = ensure_admin_login_link()
    print(f"Parley is starting on http://{args.host}:{args.port}/", flush=True)
    if link:
        print("No owner has logged in yet. Log in as owner with this one-time link:", flush=True)
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
