"""``__among``: membership in a long list of ids, as one array parameter on
PostgreSQL.

``unit_id__in=ids`` with the 2,000 units of a national table sends 2,000
placeholders: psycopg splits and adapts such a query each time (it caches only
short statements) and Django prepares each value, some 10 ms a query before the
database sees it. ``unit_id__among=ids`` sends ``unit_id = ANY(%s)`` with one
array (the same plan on PostgreSQL) and falls back to ``IN (…)`` elsewhere
(SQLite has no arrays). Registered on integer and foreign-key fields by
:class:`mutu.registry.apps.RegistryConfig`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Lookup


class IdArray:
    """Many ids for ``__among``, checked and joined once: a national table passes
    the same 25,000 unit ids to several queries, and Django walks a list value
    three times per query (resolving, checking related objects, preparing: some
    25 ms each). Not iterable on purpose, so Django takes it as one value."""

    __slots__ = ("ids", "text")

    def __init__(self, ids: Iterable[int]) -> None:
        self.ids = [int(value) for value in ids]
        self.text = "{" + ",".join(map(str, self.ids)) + "}"
        """The ids as a PostgreSQL array literal."""

    def __len__(self) -> int:
        return len(self.ids)


def among_sql(
    column: str, ids: list[int] | IdArray, vendor: str
) -> tuple[str, tuple[Any, ...]]:
    """The condition *column* is one of *ids* on a database of *vendor*, and its
    parameters: one array on PostgreSQL, a placeholder per id elsewhere. Also for
    raw SQL (the rollup reads of :mod:`mutu.surveys.selectors`)."""
    array = ids if isinstance(ids, IdArray) else IdArray(ids)
    if vendor == "postgresql":
        # Typed as the ids' columns are (bigint): the driver would send a list of
        # small ints as smallint[], and a bigint column compared with smallint[]
        # can be neither hashed nor read from a covering index's filter, so the
        # planner picked a scan of the key index (the fingerprints of a national
        # table: 260 ms instead of 33 ms; docs/scaling.md "Unit summaries"). One
        # text parameter: psycopg adapts a list of 25,000 ints one by one (34 ms).
        return f"{column} = ANY(%s::bigint[])", (array.text,)
    return f"{column} IN ({', '.join(['%s'] * len(array))})", tuple(array.ids)


class Among(Lookup):
    """``field__among=ids``: the field's value is one of the integers *ids* (a
    list, or an :class:`IdArray` made once for several queries)."""

    lookup_name = "among"
    prepare_rhs = False

    def get_prep_lookup(self) -> IdArray:
        return self.rhs if isinstance(self.rhs, IdArray) else IdArray(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if not len(self.rhs):
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        sql, ids = among_sql(lhs, self.rhs, connection.vendor)
        return sql, (*params, *ids)


def register() -> None:
    """Make ``__among`` available on integer (and so auto) and foreign-key fields."""
    models.IntegerField.register_lookup(Among)
    models.ForeignKey.register_lookup(Among)
