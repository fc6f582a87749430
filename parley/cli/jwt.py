"""`parley jwt …`: External Authentication from the command line, every setting scriptable."""

import argparse
import getpass
import json
import sys
from datetime import timedelta

from parley.cli.base import CommandError, Parser, migrate_database
from parley.times import format_duration, parse_duration

DEFAULT_MINT_LIFETIME = timedelta(days=7)
_SWITCHES = {"on": True, "off": False}
_UNSET = object()  # a policy flag not given; None is a value (--max-lifetime none)
# (flag, JwtSettings field, how the flag's text becomes the field's value, metavar)
_POLICY_FLAGS = (
    ("--issuer", "issuer", "text", "ISS|none"),
    ("--audience", "audience", "text", "AUD|none"),
    ("--leeway", "leeway_seconds", "duration", "60s"),
    ("--max-lifetime", "max_lifetime_seconds", "duration or none", "1h|none"),
    ("--require-exp", "require_exp", "switch", "on|off"),
    ("--one-time-jti", "one_time_jti", "switch", "on|off"),
    ("--link-by-email", "link_by_email", "switch", "on|off"),
    ("--admins-may-use-jwt", "admins_may_use_jwt", "switch", "on|off"),
    ("--session-length", "session_length", "word", "code|fixed"),
    ("--session-max-age", "session_max_age_seconds", "duration", "14d"),
    ("--failure-limit", "failure_limit", "count", "N"),
    ("--failure-window", "failure_window_seconds", "duration", "5m"),
    ("--jwks-url", "jwks_url", "text", "URL|none"),
    ("--jwks-allow-private-network", "jwks_allow_private_network", "switch", "on|off"),
    ("--groups-from-token", "groups_from_token", "switch", "on|off"),
    ("--groups-claim", "groups_claim", "claim", "user.groups"),
    ("--groups-mode", "groups_mode", "word", "sync|add"),
    ("--unknown-groups", "unknown_groups", "word", "ignore|create"),
)
# Roles from the token: set together through token_roles.set_token_roles, which checks them.
_TOKEN_ROLE_FLAGS = (
    ("--roles-from-token", "roles_from_token", "switch", "on|off"),
    ("--roles-claim", "roles_claim", "text", "user.role"),
    ("--token-roles", "token_roles_allowed", "list", "member,auditor"),
)
_RISKY_SWITCHES = {
    "link_by_email": (
        "link by email is on: a code whose user.email belongs to a user without a JWT identity "
        "now takes over that account, so Parley trusts your systems to have verified every "
        "email they sign."
    ),
    "admins_may_use_jwt": (
        "admins may now log in with a code: anyone who can get your systems to sign a code "
        "naming an admin becomes an admin of this instance."
    ),
    "jwks_allow_private_network": (
        "the JWKS URL may now point into your private network: whoever can change it there "
        "decides which keys sign codes, and Parley fetches it on an anonymous code's word."
    ),
}


def duration(text: str) -> timedelta:
    """A duration flag's value; argparse prints the message of an ArgumentTypeError."""
    try:
        return parse_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _policy_value(kind: str):
    def parse(text: str):
        lowered = text.strip().lower()
        if kind == "text":
            return "" if lowered == "none" else text.strip()
        if kind == "claim":
            return text.strip()  # claim names are case-sensitive
        if kind == "word":
            return lowered
        if kind == "switch":
            if lowered not in _SWITCHES:
                raise argparse.ArgumentTypeError(f"{text!r} is not on or off")
            return _SWITCHES[lowered]
        if kind == "count":
            if not (lowered.isascii() and lowered.isdigit()):
                raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
            return int(lowered)
        if kind == "list":
            return [part.strip() for part in lowered.split(",") if part.strip()]
        if kind == "duration or none" and lowered == "none":
            return None
        return int(duration(text).total_seconds())

    return parse


def add_commands(sub) -> None:
    jwt = sub.add_parser("jwt", help="External Authentication (JWT): switch, secrets, policy")
    jwt_sub = jwt.add_subparsers(dest="jwt_action", required=True, parser_class=Parser)
    enable = jwt_sub.add_parser("enable", help="switch JWT login on; prints the secret (last line)")
    enable.set_defaults(jwt_command=_enable)
    jwt_sub.add_parser("disable", help="switch JWT login off").set_defaults(jwt_command=_disable)
    secret = jwt_sub.add_parser("secret", help="print the current secret, or --set your own")
    secret.set_defaults(jwt_command=_secret)
    secret.add_argument(
        "--set", metavar="-", help="read a new secret from standard input ('-') and make it current"
    )
    secret.add_argument("--grace", type=duration, help="with --set: old secret's grace")
    rotate = jwt_sub.add_parser("rotate", help="new secret; the old one works for --grace")
    rotate.add_argument(
        "--grace", type=duration, default="24h", help="e.g. 0m, 30m, 24h, 7d (default 24h)"
    )
    rotate.set_defaults(jwt_command=_rotate)
    revoke = jwt_sub.add_parser("revoke-previous", help="end every previous secret's grace now")
    revoke.set_defaults(jwt_command=_revoke_previous)
    policy = jwt_sub.add_parser("policy", help="print the JWT policy, or change parts of it")
    policy.add_argument("--json", action="store_true", help="print JSON (durations in seconds)")
    for flag, field, kind, metavar in (*_POLICY_FLAGS, *_TOKEN_ROLE_FLAGS):
        policy.add_argument(
            flag, dest=field, type=_policy_value(kind), default=_UNSET, metavar=metavar
        )
    policy.set_defaults(jwt_command=_policy)
    mint = jwt_sub.add_parser("mint", help="print a signed externalAuthCode for testing")
    who = mint.add_mutually_exclusive_group(required=True)
    who.add_argument("--id", help="log in the existing user with this user ID")
    who.add_argument("--email", help="log in the existing user with this email")
    who.add_argument("--user-id", help="log in or create the user with this user.id")
    mint.add_argument("--user-email", help="email of the --user-id user")
    mint.add_argument(
        "--expires",
        type=duration,
        help="lifetime, e.g. 10m or 24h (default 7d, or the policy's maximum if shorter)",
    )
    mint.add_argument("--link", action="store_true", help="print a login URL, not the code")
    mint.set_defaults(jwt_command=_mint)
    jwt.set_defaults(func=jwt_command)


def jwt_command(args) -> None:
    migrate_database()
    args.jwt_command(args)


def _enable(args) -> None:
    from parley.external_auth import services

    secret = services.enable_jwt()
    print("External Authentication (JWT) is on. Sign externalAuthCode tokens with this")
    print("secret (HS256); keep it on your servers only:")
    print(secret)


def _disable(args) -> None:
    from parley.external_auth import services

    services.disable_jwt()
    print("External Authentication (JWT) is off: externalAuthCode logins are refused.")


def _secret(args) -> None:
    from parley.external_auth import services

    if args.set is None:
        if args.grace is not None:
            raise CommandError("--grace goes with --set")
        current = services.current_secret()
        if current is None:
            raise CommandError("there is no JWT secret yet: run 'parley jwt enable'")
        print(current.secret)
        return
    if args.set != "-":
        # On the command line it would stay in the shell history and the process list.
        raise CommandError("--set takes '-' and reads the secret from standard input")
    text = getpass.getpass("New JWT secret: ") if sys.stdin.isatty() else sys.stdin.read()
    if not text.strip():
        raise CommandError("no secret on standard input")
    grace = services.DEFAULT_GRACE if args.grace is None else args.grace
    had_secret = services.current_secret() is not None
    services.rotate_secret(grace=grace, new_secret=text)
    print(f"Your secret is now the current one. {_after_rotation(grace, had_secret)}")


def _rotate(args) -> None:
    from parley.external_auth import services

    had_secret = services.current_secret() is not None
    secret = services.rotate_secret(grace=args.grace)
    print(f"New JWT secret. {_after_rotation(args.grace, had_secret)} Sign with:")
    print(secret)


def _after_rotation(grace: timedelta, had_secret: bool) -> str:
    if not had_secret:
        return "There was no previous secret."
    if not grace:
        return "Every previous secret stopped working now."
    return f"The previous one keeps working for {format_duration(int(grace.total_seconds()))}."


def _revoke_previous(args) -> None:
    from parley.external_auth import services

    revoked = services.revoke_previous_secrets()
    if not revoked:
        print("No previous secret was still working; nothing to revoke.")
        return
    print(
        f"Revoked {revoked} previous secret{'s' if revoked > 1 else ''}: codes signed with "
        f"{'them' if revoked > 1 else 'it'} are refused from now on. The current one keeps working."
    )


def _policy(args) -> None:
    from parley.external_auth import services
    from parley.external_auth.token_roles import update_policy_and_token_roles

    given = {field: getattr(args, field) for _, field, _, _ in _POLICY_FLAGS}
    changes = {field: value for field, value in given.items() if value is not _UNSET}
    before = services.get_jwt_settings()
    roles = {f: getattr(args, f) for _, f, _, _ in _TOKEN_ROLE_FLAGS}
    roles = {f: None if v is _UNSET else v for f, v in roles.items()}
    row = update_policy_and_token_roles(
        changes=changes,
        enabled=roles["roles_from_token"],
        claim=roles["roles_claim"],
        allowed=roles["token_roles_allowed"],
    )
    if row.roles_from_token and not before.roles_from_token:
        print(
            "parley: warning: roles are now taken from the token: your systems decide "
            f"who is {', '.join(row.token_roles_allowed) or 'nothing'} here.",
            file=sys.stderr,
        )
    for field, warning in _RISKY_SWITCHES.items():
        if changes.get(field) and not getattr(before, field):
            print(f"parley: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(_policy_json(row), indent=2))
        return
    for label, value in _policy_lines(row):
        print(f"{label + ':':<20} {value}")


def _policy_json(row) -> dict:
    return {
        "enabled": row.enabled,
        "issuer": row.issuer or None,
        "audience": row.audience or None,
        "leeway_seconds": row.leeway_seconds,
        "max_lifetime_seconds": row.max_lifetime_seconds,
        "require_exp": row.require_exp,
        "one_time_jti": row.one_time_jti,
        "link_by_email": row.link_by_email,
        "admins_may_use_jwt": row.admins_may_use_jwt,
        "session_length": row.session_length,
        "session_max_age_seconds": row.session_max_age_seconds,
        "failure_limit": row.failure_limit,
        "failure_window_seconds": row.failure_window_seconds,
        "jwks_url": row.jwks_url or None,
        "jwks_allow_private_network": row.jwks_allow_private_network,
        "groups_from_token": row.groups_from_token,
        "groups_claim": row.groups_claim,
        "groups_mode": row.groups_mode,
        "unknown_groups": row.unknown_groups,
        "roles_from_token": row.roles_from_token,
        "roles_claim": row.roles_claim,
        "token_roles_allowed": row.token_roles_allowed,
    }


def _policy_lines(row) -> list[tuple[str, str]]:
    def switch(value: bool) -> str:
        return "on" if value else "off"

    return [
        ("JWT login", switch(row.enabled)),
        ("Issuer (iss)", row.issuer or "none expected (any or none accepted)"),
        ("Audience (aud)", row.audience or "none (codes naming one are refused)"),
        ("Clock leeway", format_duration(row.leeway_seconds)),
        ("Maximum lifetime", format_duration(row.max_lifetime_seconds)),
        ("Require exp", switch(row.require_exp)),
        ("One-time jti", switch(row.one_time_jti)),
        ("Link by email", switch(row.link_by_email)),
        ("Admins may use JWT", switch(row.admins_may_use_jwt)),
        ("Session length", _session_length(row)),
        ("Session maximum", format_duration(row.session_max_age_seconds)),
        (
            "Failure limit",
            f"{row.failure_limit} failed codes per address per "
            f"{format_duration(row.failure_window_seconds)}",
        ),
        ("JWKS URL", row.jwks_url or "none"),
        ("JWKS private network", switch(row.jwks_allow_private_network)),
        ("Groups from token", switch(row.groups_from_token)),
        ("Groups claim", row.groups_claim),
        ("Groups mode", row.groups_mode),
        ("Unknown groups", row.unknown_groups),
        ("Roles from token", switch(row.roles_from_token)),
        ("Roles claim", row.roles_claim),
        ("Token may grant", ", ".join(row.token_roles_allowed) or "no role"),
    ]


def _session_length(row) -> str:
    if row.session_length == "fixed":
        return f"fixed: {format_duration(row.session_max_age_seconds)}, whatever the code's exp"
    return "until the code expires (exp), at most the session maximum"


def _mint(args) -> None:
    from parley.external_auth import minting, services

    if args.user_email and not args.user_id:
        raise CommandError("--user-email goes with --user-id")
    if args.id is not None:
        payload = {"id": args.id}
    elif args.email is not None:
        payload = {"email": args.email}
    else:
        user = {"id": args.user_id}
        if args.user_email:
            user["email"] = args.user_email
        payload = {"user": user}
    lifetime = args.expires
    if lifetime is None:
        # The default must not make a code the policy refuses: cap it at the maximum.
        limit = services.get_jwt_settings().max_lifetime_seconds
        short = limit is not None and limit < DEFAULT_MINT_LIFETIME.total_seconds()
        lifetime = timedelta(seconds=limit) if short else DEFAULT_MINT_LIFETIME
    code = minting.mint_login_code(payload=payload, lifetime=lifetime)
    print(minting.login_url(code) if args.link else code)
