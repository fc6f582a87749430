"""Queries that every page runs, written by the ORM once per process and run as that SQL.

Building a QuerySet and compiling it to SQL costs far more CPU than running it: on the chat
home, the conversation list's `filter(user=…)[:200]` spent ~85 % of its time in the ORM
before SQLite saw it, and the model list's OR over three joins ~1.2 ms of a ~7 ms page
(bench/README.md, issue 16). A `PreparedQuery` keeps what the ORM wrote — SQL, the model
field of each column and Django's converters for it (dates on SQLite, for example) — per
database vendor, and on each call only executes it and builds the model instances the
QuerySet would have built. The QuerySet stays the one definition, so the two cannot drift
(tests compare them).

Only plain model queries are accepted (the model's own columns: no select_related, no
annotations, no values()); anything else fails on first use, not with wrong rows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.expressions import Col

# Stand-ins for the parameters while the ORM writes the SQL: ids no row has.
_MARKER_BASE = -731_000


@dataclass(frozen=True)
class _Written:
    model: type[Model]
    sql: str
    params: tuple  # a marker where a call's parameter goes, else the ORM's own value
    attnames: list[str]
    converters: list[tuple[int, list, Col]]


class PreparedQuery:
    """`build(**markers)` returns the QuerySet; `fetch(**params)` its rows as instances."""

    def __init__(self, build: Callable[..., QuerySet], *names: str):
        self._build = build
        self._markers = {name: _MARKER_BASE - i for i, name in enumerate(names)}
        self._written: dict[str, _Written] = {}
        self._lock = Lock()

    def fetch(self, **params: Any) -> list[Model]:
        if params.keys() != self._markers.keys():
            raise TypeError(f"expected parameters {sorted(self._markers)}, got {sorted(params)}")
        connection = connections["default"]
        written = self._written.get(connection.vendor)
        if written is None:
            queryset = self._build(**self._markers)
            with self._lock:
                written = self._written.setdefault(connection.vendor, self._write(queryset))
        by_marker = {marker: params[name] for name, marker in self._markers.items()}
        args = [by_marker.get(p, p) if isinstance(p, int) else p for p in written.params]
        with connection.cursor() as cursor:
            cursor.execute(written.sql, args)
            rows = cursor.fetchall()
        if written.converters:
            rows = [_converted(list(row), written.converters, connection) for row in rows]
        return [written.model.from_db("default", written.attnames, row) for row in rows]

    def first(self, **params: Any) -> Model | None:
        """The first row, or None (the QuerySet's own order; slice it to one row)."""
        rows = self.fetch(**params)
        return rows[0] if rows else None

    def _write(self, queryset: QuerySet) -> _Written:
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        model = queryset.model
        columns = [expression for expression, _sql, _alias in compiler.select]
        plain = (
            queryset._iterable_class.__name__ == "ModelIterable"
            and compiler.klass_info is not None
            and compiler.klass_info["model"] is model
            and not compiler.klass_info.get("related_klass_infos")
            and all(isinstance(c, Col) and c.target.model is model for c in columns)
        )
        if not plain:
            raise TypeError("PreparedQuery takes plain model queries: the model's own columns")
        missing = set(self._markers.values()) - set(params)
        if missing:
            raise TypeError("a parameter's marker is not in the written SQL")
        return _Written(
            model=model,
            sql=sql,
            params=tuple(params),
            attnames=[c.target.attname for c in columns],
            converters=[(i, fns, c) for i, (fns, c) in compiler.get_converters(columns).items()],
        )


def _converted(row: list, converters, connection) -> list:
    for index, functions, column in converters:
        for convert in functions:
            row[index] = convert(row[index], column, connection)
    return row
