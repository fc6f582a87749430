"""`parley createadmin`: create or promote an admin (the owner, on an instance without one)
and print a one-time login link."""

from parley.cli.base import migrate_database


def add_commands(sub) -> None:
    admin = sub.add_parser("createadmin", help="create or promote an admin; prints a login link")
    admin.add_argument("--email", required=True)
    admin.set_defaults(func=create_admin)


def create_admin(args) -> None:
    from parley.accounts.login_links import create_login_link
    from parley.accounts.services import create_or_promote_admin

    migrate_database()
    user = create_or_promote_admin(email=args.email)
    role = user.get_role_display()
    print(f"{role} {user.email} (user ID {user.public_id}) is ready. One-time login link:")
    print(create_login_link(user=user, created_by="cli"))
