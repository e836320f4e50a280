"""The SQL store: units of work over one SQLAlchemy engine.

A unit of work is one database transaction on one connection, taken when it
first touches the database (``transaction.py``).  Saving an aggregate is an
``INSERT`` (a new id) or an ``UPDATE ... WHERE id = :id AND version = :seen``
that must hit exactly one row: zero rows means another transaction saved it
first, and the unit of work fails with ``ConcurrencyConflict`` (the desk
retries).  The aggregate's events go to the event log in the same transaction.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, overload

import sqlalchemy as sa
from sqlalchemy.engine import URL

from servicedesk.adapters import sealing
from servicedesk.adapters.sql import cursor, fixed_statements
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.appraisal import (
    SqlAppraisalReports,
    SqlAppraisals,
    SqlDisciplineNotes,
)
from servicedesk.adapters.sql.engine import host_engine, make_engine, to_url
from servicedesk.adapters.sql.enquiries import SqlEnquiries
from servicedesk.adapters.sql.migrate import check_schema, upgrade_engine
from servicedesk.adapters.sql.records import SqlAuditLog, SqlPersonalData
from servicedesk.adapters.sql.reports import (
    SqlBillingReports,
    SqlQualityReports,
    SqlRequestReports,
)
from servicedesk.adapters.sql.repositories import (
    SqlAccounts,
    SqlAgreements,
    SqlApplications,
    SqlCallbackPlans,
    SqlCallbacks,
    SqlCharges,
    SqlComplaints,
    SqlCosts,
    SqlCounters,
    SqlDepartments,
    SqlEventLog,
    SqlFoundItems,
    SqlGuides,
    SqlIdempotencyKeys,
    SqlInvoices,
    SqlItems,
    SqlPayments,
    SqlQueues,
    SqlRatings,
    SqlReceiptBooks,
    SqlReceipts,
    SqlRecordFiles,
    SqlRequests,
    SqlStatements,
    SqlWindows,
    SqlWorkers,
)
from servicedesk.adapters.sql.repository import SqlRepository
from servicedesk.adapters.sql.staff import SqlItemRequirements, SqlStaffFiles
from servicedesk.adapters.sql.subject_keys import keys_of
from servicedesk.adapters.sql.tables import AggregateTable
from servicedesk.adapters.sql.transaction import SqlTransaction
from servicedesk.app import unit_of_work as ports
from servicedesk.app.repository import Aggregate, Repository
from servicedesk.domain.aggregate import Aggregate as DomainAggregate
from servicedesk.domain.errors import (
    ConcurrencyConflict,
    NotFound,
    StoreConfigurationError,
    StoreError,
)
from servicedesk.i18n import _

S = TypeVar("S", bound=SqlRepository[Any])
H = TypeVar("H")


class SqlStore:
    """A store in SQLite, PostgreSQL or MySQL/MariaDB.

    ``SqlStore("desk.db")`` is all an embedded user gives: the file is created
    and its schema brought to the current version.  With ``migrate=False`` a
    database not at the current schema is refused instead (for servers whose
    migrations an operator runs with ``upgrade(url)``).  A database written by
    a newer servicedesk is always refused, never touched.

    A host system gives its own ``Engine`` instead of a URL: on a server its pool
    is shared (an SQLite file gets engines of servicedesk's own, which begin
    their writes with the lock taken).  ``schema`` keeps our tables in a
    PostgreSQL schema of their own, beside the host's tables of the same names.
    """

    def __init__(
        self,
        target: str | os.PathLike[str] | URL | sa.Engine,
        *,
        migrate: bool = True,
        busy_timeout: float = 30.0,
        schema: str | None = None,
    ) -> None:
        given = target if isinstance(target, sa.Engine) else None
        if isinstance(target, sa.Engine):  # whichever SQLite dialect it runs, the file it names
            url = target.url
            sqlite_file = url.get_backend_name() == "sqlite"
            self.url = to_url(url.set(drivername="sqlite+pysqlite") if sqlite_file else url)
        else:
            self.url = to_url(target)
        sqlite = self.url.get_backend_name() == "sqlite"
        if schema is not None and self.url.get_backend_name() != "postgresql":
            raise StoreConfigurationError(
                _(
                    "A schema of its own is for PostgreSQL; on {backend} give servicedesk "
                    "a database of its own."
                ),
                backend=self.url.get_backend_name(),
            )
        self.schema = schema
        # A host's server engine is used as it is, pool and all; an SQLite file gets
        # engines of our own, whose transactions take the write lock when they begin.
        self._owned = given is None or sqlite
        self.engine = (
            host_engine(given)
            if given is not None and not sqlite
            else make_engine(self.url, busy_timeout=busy_timeout)
        )
        #: The engine of units of work that only read: on SQLite they begin deferred and
        #: never take the write lock; a server's reads never block its writers anyway.
        self.reader = (
            make_engine(self.url, busy_timeout=busy_timeout, reader=True) if sqlite else self.engine
        )
        #: ``cursor``'s compiled statements, by statement and the columns it sets.
        self.compiled: dict[tuple[sa.Executable, tuple[str, ...]], cursor.Compiled] = {}
        try:
            if migrate:
                upgrade_engine(self.engine, schema=schema)
            else:
                check_schema(self.engine, schema)
        except BaseException:
            self.close()
            raise

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self)

    def reading(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self, self.reader)

    def close(self) -> None:
        """Close every pooled connection (the store can still be used: it reconnects).

        A host's engine is the host's to dispose of: its pool is left as it is.
        """
        if self._owned:
            self.engine.dispose()
            self.reader.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqlStore({self.url.render_as_string(hide_password=True)!r})"


class MadeWhenRead(Generic[H]):
    """One line of ``SqlUnitOfWork``'s table: an attribute made from the unit of work the
    first time it is read, and from then on an ordinary attribute of that unit of work."""

    def __init__(self, make: Callable[[SqlUnitOfWork], H]) -> None:
        self.make = make
        self.attribute = ""

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.attribute = name

    @overload
    def __get__(self, uow: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type[Any]) -> H: ...

    def __get__(self, uow: SqlUnitOfWork | None, owner: type[Any]) -> H | Self:
        if uow is None:
            return self
        made = uow.__dict__[self.attribute] = self.make(uow)
        return made


class AggregateKind(MadeWhenRead[S]):
    """A repository's line: its attribute, its table and its repository class, the
    repository made by ``SqlUnitOfWork.repository`` (which keeps it among those in use)."""

    def __init__(self, table: AggregateTable, repository: type[S]) -> None:
        super().__init__(lambda uow: uow.repository(self))
        self.table = table
        self.repository = repository


class SqlUnitOfWork(SqlTransaction, ports.UnitOfWork):
    """One transaction, with a repository for each aggregate kind, made when first used.

    Each kind is one line below: the unit of work's attribute, its table
    (``tables.py``) and the class that answers its port (``repositories.py``).
    A command uses two or three of the kinds, so a repository is made when it
    is first read and a commit looks through those only; the lines' order is the
    order a commit saves in.
    """

    items = AggregateKind(t.items, SqlItems)
    requests = AggregateKind(t.requests, SqlRequests)
    workers = AggregateKind(t.workers, SqlWorkers)
    accounts = AggregateKind(t.accounts, SqlAccounts)
    charges = AggregateKind(t.charges, SqlCharges)
    statements = AggregateKind(t.statements, SqlStatements)
    agreements = AggregateKind(t.agreements, SqlAgreements)
    payments = AggregateKind(t.payments, SqlPayments)
    receipts = AggregateKind(t.receipts, SqlReceipts)
    counters = AggregateKind(t.counters, SqlCounters)
    invoices = AggregateKind(t.invoices, SqlInvoices)
    receipt_books = AggregateKind(t.receipt_books, SqlReceiptBooks)
    costs = AggregateKind(t.costs, SqlCosts)
    complaints = AggregateKind(t.complaints, SqlComplaints)
    callbacks = AggregateKind(t.callbacks, SqlCallbacks)
    callback_plans = AggregateKind(t.callback_plans, SqlCallbackPlans)
    record_files = AggregateKind(t.record_files, SqlRecordFiles)
    found_items = AggregateKind(t.found_items, SqlFoundItems)
    hall_departments = AggregateKind(t.hall_departments, SqlDepartments)
    hall_windows = AggregateKind(t.hall_windows, SqlWindows)
    hall_guides = AggregateKind(t.hall_guides, SqlGuides)
    hall_queues = AggregateKind(t.hall_queues, SqlQueues)
    hall_applications = AggregateKind(t.hall_applications, SqlApplications)
    appraisals = AggregateKind(t.appraisals, SqlAppraisals)
    discipline_notes = AggregateKind(t.discipline_notes, SqlDisciplineNotes)
    ratings = AggregateKind(t.ratings, SqlRatings)
    enquiries = AggregateKind(t.enquiries, SqlEnquiries)
    staff_files = AggregateKind(t.staff_files, SqlStaffFiles)
    item_requirements = AggregateKind(t.item_requirements, SqlItemRequirements)

    # what is not a repository, made as they are when first read: a read uses one or none
    events = MadeWhenRead(lambda uow: SqlEventLog(uow, uow.repository_of, KINDS))
    idempotency = MadeWhenRead(SqlIdempotencyKeys)
    audit = MadeWhenRead(SqlAuditLog)
    personal_data = MadeWhenRead(lambda uow: SqlPersonalData(uow, uow.repository_of))
    request_reports = MadeWhenRead(SqlRequestReports)
    quality_reports = MadeWhenRead(SqlQualityReports)
    billing_reports = MadeWhenRead(SqlBillingReports)
    appraisal_reports = MadeWhenRead(SqlAppraisalReports)

    def __init__(self, store: SqlStore, engine: sa.Engine | None = None) -> None:
        super().__init__(store, engine)
        self._opened: list[SqlRepository[Any]] = []  # in the order of the lines above
        self._event_rows: list[dict[str, Any]] = []

    def repository(self, kind: AggregateKind[S]) -> S:
        """The repository of ``kind`` in this unit of work, made now if not yet."""
        made: S | None = self.__dict__.get(kind.attribute)
        if made is None:
            made = kind.repository(self, kind.table)
            self.__dict__[kind.attribute] = made  # read as a plain attribute from now on
            self._opened.append(made)
            self._opened.sort(key=lambda r: _PLACES[type(r)])
        return made

    def repository_of(self, stream: str) -> SqlRepository[Any]:
        """The repository of the kind whose events go to ``stream`` (e.g. "request")."""
        kind = _BY_STREAM.get(stream)
        if kind is None:
            raise NotFound(_("No {what} with id {id}."), what=stream, id="?")
        return self.repository(kind)

    def __getattr__(self, name: str) -> Any:
        """A repository the port names but no line above declares: say so, typed."""
        if name in ports.UnitOfWork.__annotations__:
            raise StoreError(
                _(
                    "The SQL store keeps no {name} yet: declare their table in "
                    "servicedesk/adapters/sql/tables.py and their line in SqlUnitOfWork."
                ),
                name=name,
            )
        raise AttributeError(name)

    def repositories(self) -> tuple[Repository[Any], ...]:
        """Every repository, made now if not yet, in the order of the lines above."""
        for kind in AGGREGATES:
            self.repository(kind)
        return tuple(self._opened)

    def in_use(self) -> tuple[Repository[Any], ...]:
        """The repositories made so far, in the order of the lines above."""
        return tuple(self._opened)

    def _save(self, repository: Repository[Any], aggregate: Aggregate, is_new: bool) -> None:
        assert isinstance(repository, SqlRepository)
        table = repository.table
        version = aggregate.version + 1
        file_id = sealing.file_of(repository.kind, aggregate.id.value)
        keys = keys_of(self)

        def key_of() -> bytes | None:
            return keys.for_write(file_id, new=is_new)

        spec = repository.spec
        values = {
            "version": version,
            "document": sealing.seal(
                aggregate, spec.document(aggregate), file_id, key_of, spec.document
            ),
            **repository.spec.projections(aggregate),
        }
        if is_new:
            self.run(fixed_statements.insert(table), {"id": aggregate.id.value, **values})
        else:
            result = self.run(
                fixed_statements.versioned_update(table),
                {**values, "saved_id": aggregate.id.value, "saved_version": aggregate.version},
            )
            if result.rowcount != 1:
                raise ConcurrencyConflict(
                    _("The {kind} {id} was changed by someone else; try again."),
                    kind=_(repository.label),
                    id=aggregate.id,
                )
        repository.saved(aggregate, is_new)
        # the events of every aggregate saved go to the log in one INSERT, in save order
        self._event_rows.extend(
            {
                "stream": repository.kind,
                "aggregate_id": aggregate.id.value,
                "version": version,
                "type": type(event).__name__,
                "at": event.at,
                "document": sealing.seal(event, self.event_document(event), file_id, key_of),
                "entry": self.entry,
            }
            for event in aggregate.events
        )

    def _seal(self) -> None:
        # The events go in before the chain's head is taken, so that it is held briefly.
        if self._event_rows:
            rows, self._event_rows = self._event_rows, []
            self.run(fixed_statements.insert(t.events), rows)
        super()._seal()

    def _commit(self) -> None:
        self._commit_connection()


#: Every aggregate kind, in the order of ``SqlUnitOfWork``'s lines: the order a commit saves in.
AGGREGATES: tuple[AggregateKind[Any], ...] = tuple(
    kind for kind in vars(SqlUnitOfWork).values() if isinstance(kind, AggregateKind)
)
_PLACES = {kind.repository: place for place, kind in enumerate(AGGREGATES)}
_BY_STREAM = {kind.repository.kind: kind for kind in AGGREGATES}
#: Every aggregate kind's stream, with the class its documents hold.
KINDS: dict[str, type[DomainAggregate[Any]]] = {
    kind.repository.kind: kind.table.cls for kind in AGGREGATES
}
