"""`parley groups list|create|delete|add|remove`: groups and their members."""

import json

from parley.cli.base import Parser, migrate_database, print_table


def add_commands(sub) -> None:
    groups = sub.add_parser("groups", help="list, create and delete groups; add and remove members")
    groups_sub = groups.add_subparsers(dest="groups_action", required=True, parser_class=Parser)
    listing = groups_sub.add_parser("list", help="list groups with their member counts")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(groups_command=_list)
    create = groups_sub.add_parser("create", help="create a group")
    create.add_argument("name")
    create.add_argument("--description", default="")
    create.set_defaults(groups_command=_create)
    delete = groups_sub.add_parser("delete", help="delete a group (its members leave it)")
    delete.add_argument("name")
    delete.set_defaults(groups_command=_delete)
    for action, command, text in (
        ("add", _add, "put a user (ID or email) in a group, as an admin's membership"),
        ("remove", _remove, "take a user (ID or email) out of a group"),
    ):
        member = groups_sub.add_parser(action, help=text)
        member.add_argument("name", help="the group's name (any case)")
        member.add_argument("user", help="the user's ID or email address")
        member.set_defaults(groups_command=command)
    groups.set_defaults(func=groups_command)


def groups_command(args) -> None:
    migrate_database()
    args.groups_command(args)


def _group(name: str):
    from parley.errors import NotFound
    from parley.groups import selectors

    group = selectors.find_group(name=name)
    if group is None:
        raise NotFound(f"no group {name!r}", user_message=f"There is no group named {name!r}.")
    return group


def _user(id_or_email: str):
    from parley.errors import NotFound
    from parley.external_auth.admin_services import find_user

    user = find_user(id_or_email=id_or_email)
    if user is None:
        raise NotFound("no such user", user_message=f"No user has the ID or email {id_or_email!r}.")
    return user


def _list(args) -> None:
    from parley.groups import selectors

    found = selectors.search_groups()
    if args.json:
        rows = [
            {"name": g.name, "description": g.description, "members": g.member_count} for g in found
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    print_table(
        [("NAME", "MEMBERS", "DESCRIPTION")]
        + [(g.name, g.member_count, g.description or "-") for g in found]
    )


def _create(args) -> None:
    from parley.audit import actors
    from parley.groups import services

    group = services.create_group(
        name=args.name, description=args.description, by=actors.COMMAND_LINE
    )
    print(f"Created the group {group.name}.")


def _delete(args) -> None:
    from parley.audit import actors
    from parley.groups import services

    group = _group(args.name)
    members = services.delete_group(group=group, by=actors.COMMAND_LINE)
    print(f"Deleted the group {group.name}; {members} member{'s' if members != 1 else ''} left it.")


def _add(args) -> None:
    from parley.audit import actors
    from parley.groups import services

    group, user = _group(args.name), _user(args.user)
    services.add_member(group=group, user=user, by=actors.COMMAND_LINE)
    print(f"{user} is in {group.name} (set by an admin: a login's token never removes it).")


def _remove(args) -> None:
    from parley.audit import actors
    from parley.groups import services

    group, user = _group(args.name), _user(args.user)
    if services.remove_member(group=group, user=user, by=actors.COMMAND_LINE):
        print(f"Removed {user} from {group.name}.")
    else:
        print(f"{user} was not in {group.name}; nothing changed.")
