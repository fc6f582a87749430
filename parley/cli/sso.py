"""`parley sso add-oidc | add-saml | list | remove`: identity providers as code (issue 17)."""

import json
import sys

from parley.cli.base import CommandError, Parser, migrate_database, print_table


def add_commands(sub) -> None:
    sso = sub.add_parser("sso", help="single sign-on identity providers")
    sso_sub = sso.add_subparsers(dest="sso_action", required=True, parser_class=Parser)
    add = sso_sub.add_parser(
        "add-oidc", help="add an OpenID Connect provider (its discovery is fetched and checked)"
    )
    add.add_argument("--name", required=True)
    add.add_argument("--issuer", required=True, help="issuer URL, e.g. https://login.example.com")
    add.add_argument("--client-id", required=True)
    add.add_argument("--client-secret", required=True, help="the secret, or - to read stdin")
    add.add_argument("--scopes", default="openid profile email", help="space or comma separated")
    add.add_argument("--domains", default="", help="allowed email domains: a.com,b.com")
    add.add_argument("--button-text", default="")
    add.add_argument("--groups-claim", default="", help="e.g. groups; empty: no groups")
    add.add_argument(
        "--allow-private-network",
        action="store_true",
        help="the provider is on a private address (an in-house Keycloak)",
    )
    add.set_defaults(func=add_oidc)
    saml = sso_sub.add_parser(
        "add-saml", help="add a SAML 2.0 provider (its metadata is fetched or read and checked)"
    )
    saml.add_argument("--name", required=True)
    source = saml.add_mutually_exclusive_group(required=True)
    source.add_argument("--metadata-url", help="the IdP's metadata URL (https)")
    source.add_argument("--metadata-file", help="a file holding the IdP's metadata XML, or -")
    saml.add_argument(
        "--attr-id", default="", help="attribute with the person's id (default: NameID)"
    )
    saml.add_argument("--attr-email", default="email")
    saml.add_argument("--attr-name", default="name")
    saml.add_argument("--attr-groups", default="", help="the groups attribute; empty: no groups")
    saml.add_argument("--attr-email-verified", default="")
    saml.add_argument("--domains", default="", help="allowed email domains: a.com,b.com")
    saml.add_argument("--button-text", default="")
    saml.add_argument(
        "--allow-private-network",
        action="store_true",
        help="the metadata URL is on a private address (an in-house Keycloak)",
    )
    saml.set_defaults(func=add_saml)
    listing = sso_sub.add_parser("list", help="list identity providers")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=list_providers)
    remove = sso_sub.add_parser("remove", help="remove a provider (its people keep their accounts)")
    remove.add_argument("name")
    remove.set_defaults(func=remove_provider)


def _words(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.replace(",", " ").split() if part)


def add_oidc(args) -> None:
    from parley.sso import services

    secret = sys.stdin.readline().strip() if args.client_secret == "-" else args.client_secret
    if not secret:
        raise CommandError("--client-secret is empty")
    migrate_database()
    provider = services.add_oidc_provider(
        fields=services.OidcFields(
            name=args.name,
            issuer=args.issuer,
            client_id=args.client_id,
            client_secret=secret,
            button_text=args.button_text,
            scopes=_words(args.scopes),
            domains=_words(args.domains),
            groups_claim=args.groups_claim,
            allow_private_network=args.allow_private_network,
        )
    )
    print(f"Added {provider.name}. Redirect URI to register: {services.redirect_uri(provider)}")


def add_saml(args) -> None:
    from parley.sso import saml_services

    xml = ""
    if args.metadata_file:
        try:
            if args.metadata_file == "-":
                xml = sys.stdin.read()
            else:
                with open(args.metadata_file, encoding="utf-8") as file:
                    xml = file.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {args.metadata_file}: {exc}") from None
    migrate_database()
    provider = saml_services.add_saml_provider(
        fields=saml_services.SamlFields(
            name=args.name,
            metadata_url=args.metadata_url or "",
            metadata_xml=xml,
            button_text=args.button_text,
            attr_id=args.attr_id,
            attr_email=args.attr_email,
            attr_name=args.attr_name,
            attr_email_verified=args.attr_email_verified,
            groups_claim=args.attr_groups,
            domains=_words(args.domains),
            allow_private_network=args.allow_private_network,
        )
    )
    urls = saml_services.sp_urls(provider)
    print(
        f"Added {provider.name} (IdP {provider.issuer}). Give the IdP Parley's SP metadata "
        f"{urls['metadata_url']} (ACS URL {urls['acs_url']}, entity ID {urls['entity_id']})."
    )


def list_providers(args) -> None:
    from parley.sso import saml_services, selectors, services

    migrate_database()
    providers = list(selectors.all_providers())
    if args.json:
        rows = [
            {
                "name": p.name,
                "id": p.slug,
                "kind": p.kind,
                "enabled": p.enabled,
                "issuer": p.issuer,
                "client_id": p.client_id,
                "scopes": p.scopes,
                "domains": p.allowed_domains,
                "groups_claim": p.groups_claim,
                "people": p.people,
                "redirect_uri": services.redirect_uri(p),
                **saml_services.saml_details(p),
            }
            for p in providers
        ]
        print(json.dumps(rows, indent=2))
        return
    if not providers:
        print("No identity providers.")
        return
    table = [("NAME", "KIND", "ENABLED", "ISSUER", "PEOPLE")]
    for p in providers:
        table.append((p.name, p.kind, "yes" if p.enabled else "no", p.issuer, p.people))
    print_table(table)


def remove_provider(args) -> None:
    from parley.sso import services

    migrate_database()
    provider = services.get_provider(name=args.name)
    people = services.remove_provider(provider=provider)
    print(f"Removed {provider.name} ({people} people keep their accounts).")
