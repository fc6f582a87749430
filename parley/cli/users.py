"""`parley users list [--json]`: every user, as a table or as JSON."""

import json

from parley.cli.base import Parser, migrate_database, print_table, when


def add_commands(sub) -> None:
    users = sub.add_parser("users", help="list users")
    users_sub = users.add_subparsers(dest="users_action", required=True, parser_class=Parser)
    users_list = users_sub.add_parser("list", help="list all users")
    users_list.add_argument("--json", action="store_true", help="print JSON")
    users_list.set_defaults(func=list_users)


def list_users(args) -> None:
    from parley.accounts import selectors
    from parley.groups.selectors import with_groups

    migrate_database()
    users = with_groups(selectors.list_users())
    if args.json:
        print(json.dumps([_user_json(user) for user in users], indent=2))
        return
    rows = [("ID", "EMAIL", "STATUS", "ROLE", "CREATED VIA", "LAST LOGIN")]
    for u in users:
        rows.append(
            (u.public_id, u.email or "-", u.status, u.role, u.created_via, when(u.last_login_at))
        )
    print_table(rows)


def _user_json(user) -> dict:
    from parley.groups.selectors import group_names

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
        "groups": group_names(user=user),
    }
