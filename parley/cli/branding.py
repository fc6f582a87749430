"""`parley branding show [--json]` and `parley branding set …`: the instance's branding, by
the same rules as Admin → Branding and the API (parley.branding.validation)."""

import json

from parley.cli.base import CommandError, Parser, migrate_database


def add_commands(sub) -> None:
    branding = sub.add_parser("branding", help="show or set the name, logo, colour and texts")
    actions = branding.add_subparsers(dest="branding_action", required=True, parser_class=Parser)
    show = actions.add_parser("show", help="print the branding")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(func=show_branding)
    change = actions.add_parser("set", help="change the options given; the rest stay")
    change.add_argument("--name", help="the instance name")
    change.add_argument("--accent", metavar="#RRGGBB", help="the accent colour")
    change.add_argument("--logo", metavar="FILE", help="a PNG or SVG file, at most 256 KiB")
    change.add_argument("--no-logo", action="store_true", help="remove the logo")
    change.add_argument("--welcome", metavar="TEXT", help="welcome text on an empty chat")
    change.add_argument(
        "--prompt",
        action="append",
        metavar="TEXT",
        help="a starter prompt (repeat, up to 4; replaces the current ones; '' clears them)",
    )
    change.add_argument("--from-name", metavar="NAME", help="the sender name of mails")
    change.add_argument("--subject-prefix", metavar="TEXT", help="before every mail subject")
    change.add_argument("--return-url", metavar="URL", help="'back to your app' URL, http(s)")
    change.set_defaults(func=set_branding)


def _read_logo(path: str) -> bytes:
    from parley.branding.logo import MAX_LOGO_BYTES

    try:
        with open(path, "rb") as file:
            return file.read(MAX_LOGO_BYTES + 1)  # one byte over is enough to refuse it
    except OSError as error:
        raise CommandError(f"cannot read logo {path!r}: {error.strerror}") from None


def set_branding(args) -> None:
    from parley.branding import services

    if args.logo and args.no_logo:
        raise CommandError("give --logo FILE or --no-logo, not both")
    changes = {
        field: value
        for field, value in (
            ("name", args.name),
            ("accent_color", args.accent),
            ("welcome_text", args.welcome),
            ("email_from_name", args.from_name),
            ("email_subject_prefix", args.subject_prefix),
            ("return_url", args.return_url),
        )
        if value is not None
    }
    if args.prompt is not None:
        changes["starter_prompts"] = args.prompt
    if args.logo:
        changes["logo"] = _read_logo(args.logo)
    elif args.no_logo:
        changes["logo"] = None
    if not changes:
        raise CommandError("nothing to set: give at least one option (see --help)")
    migrate_database()
    _print(services.update_branding(**changes))


def show_branding(args) -> None:
    from parley.branding.selectors import current_brand

    migrate_database()
    brand = current_brand()
    if args.json:
        print(json.dumps(_as_json(brand), indent=2))
    else:
        _print(brand)


def _as_json(brand) -> dict:
    from django.conf import settings

    return {
        "name": brand.name,
        "accent_color": brand.accent_color,
        "logo_url": f"{settings.PUBLIC_URL}{brand.logo_url}" if brand.logo_url else None,
        "logo_content_type": brand.logo_content_type or None,
        "welcome_text": brand.welcome_text,
        "starter_prompts": list(brand.starter_prompts),
        "email_from_name": brand.email_from_name,
        "email_subject_prefix": brand.email_subject_prefix,
        "return_url": brand.return_url,
    }


def _print(brand) -> None:
    shown = _as_json(brand)
    shown["email_from_name"] = brand.email_from_name or f"(the name: {brand.name})"
    shown["email_subject_prefix"] = brand.email_subject_prefix or f"(default: [{brand.name}])"
    shown["starter_prompts"] = " | ".join(brand.starter_prompts)
    for field, value in shown.items():
        print(f"{field}: {value if value not in (None, '') else '-'}")
