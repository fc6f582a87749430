"""`parley seats [set N|unlimited]`: show the seats in use and the limit, or set the limit."""

from parley.cli.base import CommandError, Parser, migrate_database


def add_commands(sub) -> None:
    seats = sub.add_parser("seats", help="show seats used/limit, or set the limit")
    seats_sub = seats.add_subparsers(dest="seats_action", parser_class=Parser)
    seats_set = seats_sub.add_parser("set", help="set the seat limit: a number or 'unlimited'")
    seats_set.add_argument("limit")
    seats.set_defaults(func=seats_command)


def seats_command(args) -> None:
    from parley.accounts import services

    migrate_database()
    if args.seats_action == "set":
        usage = services.set_seat_limit(limit=_parse_limit(args.limit))
        print(f"Seat limit set: {usage}")
    else:
        print(services.seat_usage())


def _parse_limit(text: str) -> int | None:
    if text.lower() == "unlimited":
        return None
    if not text.isdigit():
        raise CommandError(f"seat limit must be a whole number or 'unlimited', not {text!r}")
    return int(text)
