"""How the audit log names who made a change: every way in to an admin change says it the
same way, so an auditor can search for one person, key or token."""

COMMAND_LINE = "command line"
# A login whose JWT carried a role (the login's own event says more).
TOKEN = "the user's JWT"


def user(person) -> str:
    return f"user {person.public_id}"


def api_key(key) -> str:
    return f"API key “{key.name}”"


def scim_token(token) -> str:
    return f"SCIM token “{token.name}”"
