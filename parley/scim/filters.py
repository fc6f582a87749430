"""SCIM filters (RFC 7644 §3.4.2.2) as Django queries: scim2-models parses the filter, and
this visitor turns its tree into a Q over Parley's own columns."""

from collections.abc import Callable

from django.db.models import Q
from scim2_models import ScimFilter
from scim2_models.path import (
    CompareOperator,
    Comparison,
    FilterVisitor,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)

from parley.accounts.models import Status

from .protocol import ScimError, parse_id

_LOOKUPS = {
    CompareOperator.eq: "exact",
    CompareOperator.co: "contains",
    CompareOperator.sw: "startswith",
    CompareOperator.ew: "endswith",
    CompareOperator.gt: "gt",
    CompareOperator.ge: "gte",
    CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}


def _text(
    field: str, *, fold: bool = False, ignore_case: bool = False
) -> Callable[[CompareOperator, object], Q]:
    """A comparison on a text column. `fold` compares ignoring case against a column that
    holds the folded value; `ignore_case` uses the database's case-insensitive lookups."""

    def compare(op: CompareOperator, value: object) -> Q:
        if not isinstance(value, str):
            raise _invalid(f"{value!r} is not text")
        value = value.casefold() if fold else value
        lookup = _LOOKUPS.get(CompareOperator.eq if op == CompareOperator.ne else op)
        if lookup is None:
            raise _invalid(f"the operator {op.value} is not supported here")
        if ignore_case and lookup in ("exact", "contains", "startswith", "endswith"):
            lookup = "i" + lookup
        query = Q(**{f"{field}__{lookup}": value})
        return ~query if op == CompareOperator.ne else query

    return compare


def _user_name(op: CompareOperator, value: object) -> Q:
    # userName is what the identity provider wrote (ScimUser), else the email, else the id.
    written = _text("scim__user_name_key", fold=True)(op, value)
    by_email = Q(scim__isnull=True) & _text("email_normalized", fold=True)(op, value)
    by_id = Q(scim__isnull=True, email_normalized__isnull=True) & _text("public_id")(op, value)
    return written | by_email | by_id


def _active(op: CompareOperator, value: object) -> Q:
    if op not in (CompareOperator.eq, CompareOperator.ne) or not isinstance(value, bool):
        raise _invalid("active compares only with eq or ne and true or false")
    active = Q(status=Status.ACTIVE)
    return active if (value is True) == (op == CompareOperator.eq) else ~active


def _by_id(field: str) -> Callable[[CompareOperator, object], Q]:
    """`field` holds a SCIM id (an internal number): only eq applies."""

    def compare(op: CompareOperator, value: object) -> Q:
        if op != CompareOperator.eq or not isinstance(value, str):
            raise _invalid("an id compares only with eq and text")
        number = parse_id(value)
        return Q(**{field: number}) if number is not None else Q(pk__in=[])

    return compare


USER_ATTRIBUTES = {
    "id": (_by_id("pk"), Q()),
    "username": (_user_name, Q()),
    "externalid": (_text("public_id"), Q()),
    "emails": (_text("email_normalized", fold=True), Q(email_normalized__isnull=False)),
    "emails.value": (_text("email_normalized", fold=True), Q(email_normalized__isnull=False)),
    "displayname": (_text("name", ignore_case=True), ~Q(name="")),
    "name.formatted": (_text("name", ignore_case=True), ~Q(name="")),
    "active": (_active, Q()),
}
GROUP_ATTRIBUTES = {
    "id": (_by_id("pk"), Q()),
    "displayname": (_text("name_key", fold=True), Q()),
    "externalid": (_text("scim__external_id"), Q(scim__isnull=False) & ~Q(scim__external_id="")),
    "members": (_by_id("memberships__user__pk"), Q(memberships__isnull=False)),
    "members.value": (_by_id("memberships__user__pk"), Q(memberships__isnull=False)),
}


def _invalid(problem: str) -> ScimError:
    return ScimError(status=400, scim_type="invalidFilter", detail=f"Invalid filter: {problem}.")


class _ToQuery(FilterVisitor[Q]):
    def __init__(self, attributes: dict, prefix: str = ""):
        self.attributes = attributes
        self.prefix = prefix

    def _attribute(self, node: Comparison | Present):
        path = node.attr_path
        name = self.prefix + path.attr + (f".{path.sub_attr}" if path.sub_attr else "")
        found = self.attributes.get(name.casefold())
        if found is None:
            raise _invalid(f"Parley cannot filter on {name}")
        return found

    def visit_comparison(self, node: Comparison) -> Q:
        compare, _ = self._attribute(node)
        return compare(node.op, node.value)

    def visit_present(self, node: Present) -> Q:
        _, present = self._attribute(node)
        return present

    def visit_not(self, node: Not) -> Q:
        return ~self.visit(node.expr)

    def visit_logical_expr(self, node: LogicalExpr) -> Q:
        query = self.visit(node.terms[0])
        for term in node.terms[1:]:
            query = (
                query & self.visit(term)
                if node.op == LogicalOperator.and_
                else query | (self.visit(term))
            )
        return query

    def visit_value_path(self, node: ValuePath) -> Q:
        inner = _ToQuery(self.attributes, prefix=f"{node.attr_path.attr}.")
        return inner.visit(node.val_filter)


def filter_query(expression: str | None, *, attributes: dict) -> Q:
    """The Q for a SCIM filter over users (USER_ATTRIBUTES) or groups (GROUP_ATTRIBUTES);
    an empty filter matches everything. ScimError invalidFilter when it cannot be read."""
    if not expression:
        return Q()
    try:
        parsed = ScimFilter(expression)
    except ValueError as exc:
        raise _invalid(str(exc)) from None
    return _ToQuery(attributes).visit(parsed.ast)
