"""`parley mfa policy [--require-for-admins on|off] [--grace-days N]` and
`parley mfa reset <user id>`: the second-factor requirement for staff, and removing a
person's second factors (audited)."""

from parley.cli.base import CommandError, Parser, migrate_database

SWITCH = {"on": True, "off": False}


def add_commands(sub) -> None:
    mfa = sub.add_parser("mfa", help="second factors: the requirement for staff, resets")
    mfa_sub = mfa.add_subparsers(dest="mfa_action", required=True, parser_class=Parser)
    policy = mfa_sub.add_parser(
        "policy", help="show, or change, whether staff must enrol a second factor"
    )
    policy.add_argument(
        "--require-for-admins",
        choices=sorted(SWITCH),
        help="on: everyone who opens the admin panel must enrol a second factor",
    )
    policy.add_argument("--grace-days", type=_days, help="days to enrol after becoming staff")
    policy.set_defaults(func=policy_command)
    reset = mfa_sub.add_parser("reset", help="remove every second factor of a user (audited)")
    reset.add_argument("user_id", help="the user's public id")
    reset.set_defaults(func=reset_command)


def policy_command(args) -> None:
    from parley.accounts import second_factor
    from parley.audit import actors

    migrate_database()
    current = second_factor.get_policy()
    if args.require_for_admins is not None or args.grace_days is not None:
        current = second_factor.set_policy(
            required=(
                current.required
                if args.require_for_admins is None
                else SWITCH[args.require_for_admins]
            ),
            grace_days=current.grace_days if args.grace_days is None else args.grace_days,
            by=actors.COMMAND_LINE,
        )
    state = "on" if current.required else "off"
    print(f"Second factor required for owners and admins: {state}")
    print(f"Grace period: {current.grace_days} days")


def reset_command(args) -> None:
    from parley.accounts import second_factor, services
    from parley.audit import actors

    migrate_database()
    user = services.find_user_by_public_id(args.user_id)
    if user is None:
        raise CommandError(f"no user with id {args.user_id!r}")
    removed = second_factor.reset_factors(user=user, by=actors.COMMAND_LINE)
    print(f"Removed {removed} second factor(s) of user {user.public_id}")


def _days(text: str) -> int:
    if not text.isdigit():
        raise CommandError(f"--grace-days must be a whole number of days, not {text!r}")
    return int(text)
