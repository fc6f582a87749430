"""`parley apikey create|list|revoke`: the admin API's keys."""

from parley.cli.base import Parser, migrate_database, print_table, when


def add_commands(sub) -> None:
    apikey = sub.add_parser("apikey", help="admin API keys: create, list, revoke")
    apikey_sub = apikey.add_subparsers(dest="apikey_action", required=True, parser_class=Parser)
    create = apikey_sub.add_parser("create", help="make a key; prints it (last line)")
    create.add_argument("--name", required=True, help="what the key is for")
    create.set_defaults(func=create_key)
    apikey_sub.add_parser("list", help="list keys (never the keys themselves)").set_defaults(
        func=list_keys
    )
    revoke = apikey_sub.add_parser("revoke", help="revoke a key by ID or prefix")
    revoke.add_argument("key", help="the key's ID or prefix, e.g. pk_live_AbCd1234")
    revoke.set_defaults(func=revoke_key)


def create_key(args) -> None:
    from parley.api import keys

    migrate_database()
    _, secret = keys.create_operator_key(name=args.name)
    print(f"Owner API key “{args.name.strip()}” created. It is shown only now; send it as")
    print("'Authorization: Bearer <key>':")
    print(secret)


def list_keys(args) -> None:
    from parley.api import keys

    migrate_database()
    rows = [("ID", "NAME", "ROLE", "PREFIX", "CREATED", "LAST USED", "STATUS")]
    for key in keys.list_api_keys():
        status = f"revoked {when(key.revoked_at)}" if key.revoked_at else "active"
        created, used = when(key.created_at), when(key.last_used_at)
        rows.append((key.pk, key.name, key.role, key.prefix, created, used, status))
    print_table(rows)


def revoke_key(args) -> None:
    from parley.api import keys

    migrate_database()
    key = keys.revoke_api_key(key=keys.find_api_key(reference=args.key))
    print(f"API key {key.prefix}… (“{key.name}”) is revoked.")
