"""The SQL repository of any aggregate table: loading by id, tracking, indexed selects.

``SqlRepository`` loads and tracks the aggregates of one table declared with
``tables.aggregate_table``; each kind's repository (``repositories.py``)
subclasses it with its port and answers the port's queries, each one
``SELECT`` on the projection columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa

from servicedesk import convert
from servicedesk.adapters import sealing
from servicedesk.adapters.sql import fixed_statements
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.subject_keys import unsealed
from servicedesk.adapters.sql.tables import AggregateTable
from servicedesk.adapters.sql.transaction import SqlTransaction
from servicedesk.app import unit_of_work as ports
from servicedesk.app.pages import Condition, Listing, Rows, Window
from servicedesk.app.repository import Aggregate, Repository
from servicedesk.domain.errors import StoreError
from servicedesk.domain.values import Identifier
from servicedesk.i18n import _

A = TypeVar("A", bound=Aggregate)


#: Ids per ``IN`` list of ``_get_many``: well inside every driver's bound on parameters.
MANY_PER_QUERY = 500


class SqlRepository(Repository[A]):
    def __init__(self, uow: SqlTransaction, spec: AggregateTable) -> None:
        super().__init__()
        self.uow = uow
        self.spec = spec
        self.table = spec.table

    def __getattr__(self, name: str) -> Any:
        """A query some port declares that no SQL repository answers yet: say so, typed."""
        if not name.startswith("_") and any(
            isinstance(port, type) and callable(getattr(port, name, None))
            for port in vars(ports).values()
        ):
            raise StoreError(
                _("The SQL store does not answer {query} for {what} yet."),
                query=name,
                what=_(self.label),
            )
        raise AttributeError(name)

    def _load(self, row: Any) -> A:
        return self._built([row])[0]

    def _built(self, rows: list[Any]) -> list[A]:
        """The aggregates of ``rows``, with what their creating events keep (``in_creation``)."""
        created = self._creations([row.document["id"] for row in rows])
        stored = [(row.document["id"], row.document) for row in rows]
        documents = unsealed(self.uow, self.kind, stored)
        built = []
        for row, document in zip(rows, documents, strict=True):
            loaded = self.spec.loaded(row)
            if document is not row.document:
                loaded = {**sealing.strip(loaded), **document}
            data = {**loaded, **created.get(row.document["id"], {})}
            aggregate: A = convert.structure(data, self.spec.cls)
            aggregate.version = row.version
            built.append(aggregate)
        return built

    def _creations(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """``in_creation``'s fields of each aggregate, from its creating event (one query)."""
        if not self.spec.in_creation or not ids:
            return {}
        e = t.events.c
        query = sa.select(e.aggregate_id, e.document).where(
            e.stream == self.kind, e.aggregate_id.in_(ids), e.version == 1
        )
        return {
            aggregate_id: {name: document[name] for name in self.spec.in_creation}
            for aggregate_id, document in self.uow.execute(query)
        }

    def unlinked(self, documents: Mapping[str, Any]) -> dict[str, str]:
        """Of ``documents`` (by id, as loaded), those whose ``linked`` fields another record
        contradicts, with the field; none, unless a kind links."""
        return {}

    def saved(self, aggregate: A, is_new: bool) -> None:
        """Write what saving the aggregate changes in other tables; nothing, unless a kind says."""

    def _read(self) -> tuple[sa.Column[Any], ...]:
        """The columns an aggregate is loaded from (``version``, ``document``, ``in_columns``)."""
        return fixed_statements.read(self.table, self.spec.in_columns)

    def _get(self, aggregate_id: Identifier) -> A | None:
        query = fixed_statements.by_id(self.table, self.spec.in_columns)
        row = self.uow.run(query, {"id": aggregate_id.value}).first()
        return None if row is None else self._load(row)

    def _get_many(self, aggregate_ids: Sequence[Identifier]) -> Sequence[A]:
        found: list[A] = []
        for start in range(0, len(aggregate_ids), MANY_PER_QUERY):
            chunk = [i.value for i in aggregate_ids[start : start + MANY_PER_QUERY]]
            found += self._select(self.table.c.id.in_(chunk))
        return found

    def _exists(self, aggregate_id: Identifier) -> bool:
        found = self.uow.run(fixed_statements.id_of(self.table), {"id": aggregate_id.value})
        return found.first() is not None

    def _get_locked(self, aggregate_id: Identifier) -> A | None:
        """Load and lock the row until this unit of work ends: ``SELECT ... FOR UPDATE``.

        For rows many transactions take turns on (a gapless number series), so a
        second taker waits for the first to commit and then reads its result,
        instead of failing the version check.  It waits (never ``NOWAIT``): a
        cashier queues, she is not turned away.  SQLite holds the write lock for
        the whole unit of work already, so there it is a plain read.
        """
        if aggregate_id in self.seen:
            return self.seen[aggregate_id]
        query = (
            sa.select(*self._read()).where(self.table.c.id == aggregate_id.value).with_for_update()
        )
        row = self.uow.execute(query).first()
        return None if row is None else self.track([self._load(row)])[0]

    def _select(
        self, *where: Any, order_by: tuple[Any, ...] = (), limit: int | None = None
    ) -> list[A]:
        """Aggregates whose projections match ``where``, tracked like ``get`` results."""
        query = sa.select(*self._read()).where(*where)
        query = query.order_by(*order_by, self.table.c.id)
        if limit is not None:
            query = query.limit(limit)
        return self._loaded(self.uow.execute(query))

    def _matching(self, query: sa.Select[Any], **values: Any) -> list[A]:
        """Like ``_select``, for a query built once (``fixed_statements``): on the cursor."""
        return self._loaded(self.uow.run(query, values))

    def page(self, listing: Listing, where: Sequence[Condition], window: Window) -> Rows:
        """One page of ``listing``: its projection columns only, searched on their indexes.

        Each shape of filter is one statement built once and run on the cursor.
        """
        shape = tuple((w.field, w.op, _arity(w)) for w in where)
        values: dict[str, Any] = {"row_limit": window.limit}
        for i, condition in enumerate(where):
            if condition.op == "in":
                given = list(condition.value)
                # the last value repeated up to the shape's size, which changes nothing
                padded = given + given[-1:] * (_arity(condition) - len(given))
                values.update((f"w{i}_{j}", v) for j, v in enumerate(padded))
            elif condition.op == "has":
                values[f"w{i}"] = f"%|{_escaped(condition.value)}|%"
            elif condition.op not in ("null", "not_null"):
                values[f"w{i}"] = condition.value
        if window.after is not None:
            values["after_value"], values["after_id"] = window.after
        query = fixed_statements.page(
            self.table,
            tuple(listing.fields),
            shape,
            window.sort,
            window.descending,
            window.after is not None,
        )
        found = tuple(self.uow.run(query, values))
        count = None
        if window.with_count:
            del values["row_limit"]
            values.pop("after_value", None)
            values.pop("after_id", None)
            counting = fixed_statements.page_count(self.table, shape)
            [(counted,)] = self.uow.run(counting, values)
            count = int(counted)
        return Rows(found, count)

    def _loaded(self, rows: Iterable[Any]) -> list[A]:
        """The aggregates of ``rows`` (``_read``'s columns), tracked like ``get`` results."""
        return self.track(self._built(list(rows)))


def _arity(condition: Condition) -> int:
    """How many values an ``IN`` of the statement takes: the given count rounded up to a power
    of two, so that a list of many ids is one of a few shapes, not one per count."""
    if condition.op != "in" or not condition.value:
        return 0
    return 1 << (len(condition.value) - 1).bit_length()


def _escaped(text: str) -> str:
    """``text`` matched literally inside a ``LIKE`` pattern."""
    e = fixed_statements.LIKE_ESCAPE
    return text.replace(e, e + e).replace("%", e + "%").replace("_", e + "_")


#: The unit of work's repository of a kind (its event stream's name, e.g. "request").
RepositoryOf = Callable[[str], SqlRepository[Any]]
