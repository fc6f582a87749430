"""`parley scim token create|list|revoke`: the tokens identity providers provision with."""

import json

from parley.cli.base import Parser, migrate_database, print_table, when


def add_commands(sub) -> None:
    scim = sub.add_parser("scim", help="SCIM provisioning: its tokens")
    scim_sub = scim.add_subparsers(dest="scim_what", required=True, parser_class=Parser)
    token = scim_sub.add_parser("token", help="SCIM tokens: create, list, revoke")
    token_sub = token.add_subparsers(dest="token_action", required=True, parser_class=Parser)
    create = token_sub.add_parser("create", help="make a token; prints it once (last line)")
    create.add_argument("--name", required=True, help="the identity provider it is for")
    create.set_defaults(func=create_token)
    listing = token_sub.add_parser("list", help="list tokens (never the tokens themselves)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=list_tokens)
    revoke = token_sub.add_parser("revoke", help="revoke a token by name, ID or prefix")
    revoke.add_argument("token", help="the token's name, ID or prefix, e.g. pscim_AbCd1234")
    revoke.set_defaults(func=revoke_token)


def create_token(args) -> None:
    from parley.scim import tokens

    migrate_database()
    token, secret = tokens.create_token(name=args.name, created_by="cli")
    print(f"SCIM token “{token.name}” created. It is shown only now; give it to the identity")
    print("provider as its bearer token, with the base URL https://<host>/scim/v2:")
    print(secret)


def list_tokens(args) -> None:
    from parley.scim import tokens

    migrate_database()
    found = list(tokens.list_tokens())
    listed = [
        {
            "id": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "created_by": token.created_by,
            "created_at": token.created_at.isoformat(),
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
        }
        for token in found
    ]
    if args.json:
        print(json.dumps(listed, indent=2, ensure_ascii=False))
        return
    rows = [("ID", "NAME", "PREFIX", "CREATED", "LAST USED", "STATUS")]
    for token in found:
        status = f"revoked {when(token.revoked_at)}" if token.revoked_at else "active"
        created, used = when(token.created_at), when(token.last_used_at)
        rows.append((token.pk, token.name, token.prefix, created, used, status))
    print_table(rows)


def revoke_token(args) -> None:
    from parley.scim import tokens

    migrate_database()
    token = tokens.revoke_token(token=tokens.find_token(reference=args.token), revoked_by="cli")
    print(f"SCIM token {token.prefix}… (“{token.name}”) is revoked.")
