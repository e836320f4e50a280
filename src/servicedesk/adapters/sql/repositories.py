"""The repository of each aggregate kind, the event log and the idempotency keys, in SQL.

Each kind's class joins ``SqlRepository`` (loading, tracking) to its port and
answers the port's queries, each one ``SELECT`` on the projection columns; a
port's bulk step is handed to ``bulk/``.  The unit of work names the class of
each kind (``store.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa

from servicedesk import convert
from servicedesk.adapters import sealing
from servicedesk.adapters.sql import feed as event_feed
from servicedesk.adapters.sql import fixed_statements
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.bulk import escalation_sweep, month_close
from servicedesk.adapters.sql.engine import translate
from servicedesk.adapters.sql.repository import RepositoryOf, SqlRepository
from servicedesk.adapters.sql.subject_keys import keys_of, unsealed
from servicedesk.adapters.sql.tables import END_OF_TIME, AggregateTable
from servicedesk.adapters.sql.transaction import SqlTransaction
from servicedesk.app import unit_of_work as ports
from servicedesk.app.billing.ports import (
    AccountRepository,
    AgreementRepository,
    BulkIssue,
    ChargeRepository,
    CostRepository,
    CounterRepository,
    InvoiceRepository,
    MonthClose,
    PaymentRepository,
    ReceiptBookRepository,
    ReceiptRepository,
    StatementRepository,
)
from servicedesk.app.callbacks.ports import CallbackPlanRepository, CallbackRepository
from servicedesk.app.catalogue.ports import ItemRepository
from servicedesk.app.complaints.ports import ComplaintRepository, Swept
from servicedesk.app.feed.ports import FeedEvent, Position
from servicedesk.app.hall.ports import (
    ApplicationRepository,
    DepartmentRepository,
    GuideRepository,
    QueueRepository,
    WindowRepository,
)
from servicedesk.app.ratings.ports import RatingCount, RatingRepository
from servicedesk.app.records.ports import FoundItemRepository, RecordFileRepository
from servicedesk.app.repository import Aggregate, DerivedIdRepository
from servicedesk.app.requests.ports import RequestCaseQueries, RequestRepository, WorkerRepository
from servicedesk.domain.accounts import Account
from servicedesk.domain.aggregate import Aggregate as DomainAggregate
from servicedesk.domain.agreements import Agreement
from servicedesk.domain.billing import AccountId, SeriesId
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.callbacks import Callback, CallbackPlan, Month
from servicedesk.domain.catalogue import ServiceItem
from servicedesk.domain.charges import Charge
from servicedesk.domain.complaints import Complaint, ComplaintId
from servicedesk.domain.costs import Cost
from servicedesk.domain.deadlines import EscalationStep
from servicedesk.domain.errors import ConcurrencyConflict
from servicedesk.domain.events import Event
from servicedesk.domain.hall import Department, GuideStatus, ServiceGuide, Window
from servicedesk.domain.hall_cases import Application
from servicedesk.domain.hall_queue import HallQueue, QueueId
from servicedesk.domain.invoices import Invoice, ReceiptBook
from servicedesk.domain.lost_found import FoundItem, FoundItemStatus
from servicedesk.domain.payments import Payment, Receipt, SeriesCounter
from servicedesk.domain.ratings import Rating, RatingLevel
from servicedesk.domain.requests import ServiceRequest, Status
from servicedesk.domain.retention import RecordFile
from servicedesk.domain.statements import Statement, StatementLineKind
from servicedesk.domain.values import Identifier, RequesterKind, RequestId, WorkerId
from servicedesk.domain.workers import Worker
from servicedesk.i18n import _

A = TypeVar("A", bound=Aggregate)


class SqlItems(SqlRepository[ServiceItem], ItemRepository):
    def list(self) -> list[ServiceItem]:
        return self._select(order_by=(self.table.c.name,))


class SqlRequests(SqlRepository[ServiceRequest], RequestRepository, RequestCaseQueries):
    def _oldest_first(self) -> tuple[Any, ...]:
        return (self.table.c.registered_at,)

    def list_open(self) -> list[ServiceRequest]:
        return self._select(self.table.c.is_open == sa.true(), order_by=self._oldest_first())

    def _by_due(self, due_then: Any) -> list[ServiceRequest]:
        """Searched on the due index, then put in registration order here, as for complaints:
        ordering in SQL lets a planner without statistics (SQLite) walk the whole
        registration-order index the lists use instead."""
        due = self._select(due_then, order_by=(due_then.left,))
        return sorted(due, key=lambda r: (r.registered_at, r.id.value))

    def list_overdue(self, now: datetime) -> list[ServiceRequest]:
        return self._by_due(self.table.c.deadline_due < now)

    def list_due_for_dispatch(self, now: datetime) -> list[ServiceRequest]:
        # the column is set only while a request is triaged, so no status condition is needed
        return self._by_due(self.table.c.dispatch_due <= now)

    def open_orders_by_worker(self) -> dict[WorkerId, int]:
        """Counted in SQL, but this unit of work's own unsaved dispatches count too.

        A batch dispatch asks again after every dispatch, so the requests it
        changed are counted as they are now, the rest as stored.
        """
        c = self.table.c
        changed = list(self.changed())
        query = (
            sa.select(c.worker_id, sa.func.count())
            .where(
                c.is_open == sa.true(),
                c.worker_id.is_not(None),
                c.status != Status.TRIAGED.value,
                c.id.not_in([r.id.value for r in changed]),
            )
            .group_by(c.worker_id)
        )
        counts = {WorkerId(w): int(n) for w, n in self.uow.execute(query)}
        for request in changed:
            if request.is_open and request.worker_id and request.status is not Status.TRIAGED:
                counts[request.worker_id] = counts.get(request.worker_id, 0) + 1
        return counts

    # --- escalation and callbacks ----------------------------------------------------------------

    def list_due_for_escalation(self, now: datetime) -> list[ServiceRequest]:
        return self._by_due(self.table.c.escalation_due < now)

    def list_accepted_between(self, start: datetime, end: datetime) -> list[ServiceRequest]:
        """Found in the event log (indexed on stream, type and time), not in a projection:
        a request accepted twice (reworked) counts in each month it was accepted."""
        e = t.events.c
        accepted = sa.select(e.aggregate_id).where(
            e.stream == self.kind, e.type == "WorkAccepted", e.at >= start, e.at < end
        )
        return self._select(self.table.c.id.in_(accepted), order_by=self._oldest_first())


class SqlWorkers(SqlRepository[Worker], WorkerRepository):
    def list(self) -> list[Worker]:
        return self._select()


class SqlEventLog(ports.EventLog):
    """The event log; ``kinds`` are the store's aggregate kinds, found by ``repository_of``."""

    def __init__(
        self,
        uow: SqlTransaction,
        repository_of: RepositoryOf,
        kinds: Mapping[str, type[DomainAggregate[Any]]],
    ) -> None:
        self.uow = uow
        self.repository_of = repository_of
        self._kinds = kinds

    def history(self, kind: str, aggregate_id: Identifier) -> list[Event]:
        e = t.events.c
        query = (
            sa.select(e.document)
            .where(e.stream == kind, e.aggregate_id == aggregate_id.value)
            .order_by(e.seq)
        )
        stored = [(aggregate_id.value, row.document) for row in self.uow.execute(query)]
        return [convert.structure(d, Event) for d in unsealed(self.uow, kind, stored)]

    def feed(self, after: Position, limit: int) -> list[FeedEvent]:
        return event_feed.feed(self.uow, after, limit)

    def of_entries(self, entries: Collection[int]) -> dict[int, list[ports.LoggedEvent]]:
        e = t.events.c
        query = sa.select(e.seq, e.entry, e.stream, e.aggregate_id, e.document).where(
            e.entry.in_(list(entries))
        )
        rows = list(self.uow.execute(query.order_by(e.seq)))
        # Opened, not stripped: re-vouching recomputes an earlier digest from the text.
        sealed = [
            sealing.file_of(r.stream, r.aggregate_id) for r in rows if sealing.is_sealed(r.document)
        ]
        keys = keys_of(self.uow).keys(sealed) if sealed else {}
        found: dict[int, list[ports.LoggedEvent]] = {}
        for row in rows:
            document = row.document
            if sealing.is_sealed(document):
                file_id = sealing.file_of(row.stream, row.aggregate_id)
                document = sealing.unseal(document, file_id, keys.get(file_id))
            found.setdefault(row.entry, []).append(ports.LoggedEvent(f"event {row.seq}", document))
        return found

    def unrecorded(self) -> str | None:
        e, a, h = t.events.c, t.audit_records.c, t.audit_head.c
        vouched = sa.select(a.entry).where(a.entry == e.entry).exists()
        since = sa.select(h.events_from).where(h.id == 1).scalar_subquery()
        orphan = sa.or_(
            sa.and_(e.entry.is_not(None), ~vouched),
            sa.and_(e.entry.is_(None), e.seq >= sa.func.coalesce(since, 1)),
        )
        seq = self.uow.execute(sa.select(sa.func.min(e.seq)).where(orphan)).scalar()
        return None if seq is None else f"event {seq}"

    def kinds(self) -> Mapping[str, type[DomainAggregate[Any]]]:
        return self._kinds

    def states(self, kind: str, after: str, limit: int) -> list[ports.StoredState]:
        repository = self.repository_of(kind)
        spec = repository.spec
        table = spec.table
        rows = self.uow.execute(
            sa.select(table).where(table.c.id > after).order_by(table.c.id).limit(limit)
        ).all()
        e = t.events.c
        histories: dict[str, list[Any]] = {row.id: [] for row in rows}
        if rows:
            events = (
                sa.select(e.aggregate_id, e.document)
                .where(e.stream == kind, e.aggregate_id.in_(list(histories)))
                .order_by(e.aggregate_id, e.seq)
            )
            stored = [(row[0], row[1]) for row in self.uow.execute(events)]
            for (aggregate_id, _d), document in zip(
                stored, unsealed(self.uow, kind, stored), strict=True
            ):
                histories[aggregate_id].append(document)
        opened = unsealed(self.uow, kind, [(row.id, row.document) for row in rows])
        documents = {
            row.id: _as_loaded(spec, row, histories[row.id], document)
            for row, document in zip(rows, opened, strict=True)
        }
        unlinked = repository.unlinked(documents)
        return [
            ports.StoredState(
                row.id,
                documents[row.id],
                histories[row.id],
                _disagreeing(spec, row, documents[row.id]) or unlinked.get(row.id),
            )
            for row in rows
        ]


def _as_loaded(spec: AggregateTable, row: sa.Row[Any], history: list[Any], opened: Any) -> Any:
    """The row's document as a load makes it: with its columns and its creating event's part."""
    document = spec.loaded(row)
    if opened is not row.document:
        document = {**sealing.strip(document), **opened}
    if spec.in_creation and history and isinstance(history[0], dict):
        document.update({name: history[0].get(name) for name in spec.in_creation})
    return document


def _disagreeing(spec: AggregateTable, row: sa.Row[Any], document: Any) -> str | None:
    """The first projection column whose value is not what the row's document gives."""
    try:
        expected = spec.projections(convert.structure(document, spec.cls))
    except Exception:  # an unreadable document is the state check's finding, not this one's
        return None
    values = row._mapping
    return next((name for name, value in expected.items() if values[name] != value), None)


class SqlIdempotencyKeys(ports.IdempotencyKeys):
    def __init__(self, uow: SqlTransaction) -> None:
        self.uow = uow

    def recall(self, key: ports.IdempotencyKey) -> tuple[str, dict[str, Any]] | None:
        k = t.idempotency_keys.c
        query = sa.select(k.fingerprint, k.outcome).where(k.key == key.value)
        row = self.uow.execute(query).first()
        return None if row is None else (row.fingerprint, row.outcome)

    def remember(
        self, key: ports.IdempotencyKey, command: str, fingerprint: str, outcome: dict[str, Any]
    ) -> None:
        self.uow.execute(
            sa.insert(t.idempotency_keys).values(
                key=key.value,
                command=command,
                fingerprint=fingerprint,
                outcome=outcome,
                recorded_at=self.uow.now(),
            )
        )


# --- billing -------------------------------------------------------------------------------------


class _SqlDerivedIds(SqlRepository[A], DerivedIdRepository[A]):
    """Ids derived from data: ``add`` refuses an id another transaction created meanwhile."""


class SqlAccounts(SqlRepository[Account], AccountRepository):
    def list(self) -> list[Account]:
        return self._select()

    def open_for(self, unit: str, kind: RequesterKind) -> Account | None:
        query = fixed_statements.matching(self.table, "open_unit", "kind")
        found = self._matching(query, open_unit=unit, kind=kind.value)
        return found[0] if found else None


class SqlCharges(_SqlDerivedIds[Charge], ChargeRepository):
    #: Charges come in confirmation order, the unconfirmed last (then by id).
    ORDERED_BY = "confirmed_at"

    def _order(self) -> tuple[Any, ...]:
        return fixed_statements.nulls_last(self.table.c[self.ORDERED_BY])

    def for_request(self, request_id: RequestId) -> list[Charge]:
        query = fixed_statements.matching(
            self.table, "request_id", nulls_last_by=self.ORDERED_BY, also=self.spec.in_columns
        )
        return self._matching(query, request_id=request_id.value)

    def for_account(self, account_id: AccountId) -> list[Charge]:
        return self._select(self.table.c.account_id == account_id.value, order_by=self._order())

    def billable(
        self, account_id: AccountId, before: datetime, *, audited: bool = False
    ) -> list[Charge]:
        c = self.table.c
        when = (c.billable_at < before, *((c.audited_at < before,) if audited else ()))
        return self._select(c.account_id == account_id.value, *when, order_by=self._order())

    def confirmed_between(self, start: datetime, end: datetime) -> list[Charge]:
        c = self.table.c
        return self._select(
            c.confirmed_at >= start, c.confirmed_at < end, order_by=(c.confirmed_at,)
        )

    def unlinked(self, documents: Mapping[str, Any]) -> dict[str, str]:
        """The charges linked to a statement that does not exist (the statement checks the rest)."""
        c, s = self.table.c, t.statements.table.c
        missing = ~sa.select(s.id).where(s.id == c.statement_id).exists()
        query = sa.select(c.id).where(
            c.id.in_(list(documents)), c.statement_id.is_not(None), missing
        )
        return dict.fromkeys(self.uow.execute(query).scalars(), "statement_id")


class SqlStatements(_SqlDerivedIds[Statement], StatementRepository):
    def for_account(self, account_id: AccountId) -> list[Statement]:
        c = self.table.c
        return self._select(c.account_id == account_id.value, order_by=(c.period,))

    def unlinked(self, documents: Mapping[str, Any]) -> dict[str, str]:
        """The statements whose charge lines are not exactly the charges linked to them."""
        c = t.charges.table.c
        linked: dict[str, set[str]] = {sid: set() for sid in documents}
        query = sa.select(c.id, c.statement_id).where(c.statement_id.in_(list(documents)))
        for charge_id, sid in self.uow.execute(query):
            linked[sid].add(charge_id)
        found = {}
        for sid, document in documents.items():
            lines = document.get("lines") or ()
            named = {
                line.get("reference")
                for line in lines
                if isinstance(line, dict) and line.get("kind") == StatementLineKind.CHARGE.value
            }
            if named != linked[sid]:
                found[sid] = "charges"
        return found

    def saved(self, aggregate: Statement, is_new: bool) -> None:
        """A new statement's charges linked to it, each only if it is on no statement yet.

        The link is the charge's one ``statement_id`` column, so a charge is on at
        most one statement; a charge another close linked meanwhile is a conflict.
        """
        billed = [
            line.reference for line in aggregate.lines if line.kind is StatementLineKind.CHARGE
        ]
        if not is_new or not billed:
            return
        c = t.charges.table.c
        linked = self.uow.execute(
            sa.update(t.charges.table)
            .where(c.id.in_(billed), c.statement_id.is_(None))
            .values(
                statement_id=aggregate.id.value,
                billable_at=None,
                audited_at=None,
                version=c.version + 1,
            )
        )
        if linked.rowcount != len(billed):
            raise ConcurrencyConflict(
                _("The {kind} {id} was changed by someone else; try again."),
                code="record.changed",
                kind=_(self.label),
                id=aggregate.id,
            )

    def issue_in_bulk(
        self, close: MonthClose, *, after: AccountId | None = None, limit: int | None = None
    ) -> BulkIssue | None:
        """The plain accounts' statements in a few set-based statements (``bulk/``)."""
        return month_close.issue_in_bulk(self.uow, close, after=after, limit=limit)


class SqlAgreements(SqlRepository[Agreement], AgreementRepository):
    def for_account(self, account_id: AccountId) -> list[Agreement]:
        return self._select(self.table.c.account_id == account_id.value)

    def list(self) -> list[Agreement]:
        return self._select()


class SqlPayments(SqlRepository[Payment], PaymentRepository):
    def for_account(self, account_id: AccountId) -> list[Payment]:
        c = self.table.c
        return self._select(c.account_id == account_id.value, order_by=(c.paid_at,))


class SqlReceipts(_SqlDerivedIds[Receipt], ReceiptRepository):
    def in_series(self, series: SeriesId) -> list[Receipt]:
        c = self.table.c
        return self._select(c.series == series.value, order_by=(c.number,))


class SqlCounters(_SqlDerivedIds[SeriesCounter], CounterRepository):
    """Cashiers queue on the series row instead of failing each other's version check.

    On a server the row is created, if missing, in a transaction of its own that only
    inserts it (a series at zero, no number taken), and a concurrent creator's
    duplicate is ignored; then this unit of work locks it with a waiting
    ``SELECT ... FOR UPDATE``.  So the first numbers of a new series are taken in turn
    like all the others, and a rolled back payment leaves its number to the next.
    SQLite's unit of work holds the file's write lock already: nobody can race it.
    """

    def next(self, series: SeriesId, *, at: datetime) -> int:
        counter = self._get_locked(series)
        if counter is None and self.uow.store.engine.dialect.name != "sqlite":
            self._create(series)
            counter = self._get_locked(series)
        if counter is None:
            counter = SeriesCounter(series)
            self.add(counter)
        return counter.take(at=at)

    def _create(self, series: SeriesId) -> None:
        row = {
            "id": series.value,
            "version": 0,
            "document": convert.unstructure(SeriesCounter(series)),
        }
        try:
            with self.uow.store.engine.begin() as connection:
                connection.execute(sa.insert(self.table).values(**row))
        except sa.exc.IntegrityError:
            pass  # another cashier created it first: as good
        except sa.exc.DBAPIError as error:
            raise translate(error, self.uow.store.url) from error


class SqlInvoices(_SqlDerivedIds[Invoice], InvoiceRepository):
    def list_overdue(self, now: datetime) -> list[Invoice]:
        c = self.table.c
        return self._select(c.undelivered_due < now, order_by=(c.undelivered_due,))

    def for_request(self, request_id: RequestId) -> list[Invoice]:
        c = self.table.c
        return self._select(c.request_id == request_id.value, order_by=(c.requested_at,))


class SqlReceiptBooks(SqlRepository[ReceiptBook], ReceiptBookRepository):
    def list(self) -> list[ReceiptBook]:
        return self._select()


class SqlCosts(SqlRepository[Cost], CostRepository):
    def between(self, start: datetime, end: datetime) -> list[Cost]:
        c = self.table.c
        return self._select(c.recorded_at >= start, c.recorded_at < end, order_by=(c.recorded_at,))


# --- complaints and callbacks --------------------------------------------------------------------


class SqlComplaints(SqlRepository[Complaint], ComplaintRepository):
    def list_open(self) -> list[Complaint]:
        c = self.table.c
        return self._select(c.is_open == sa.true(), order_by=(c.filed_at,))

    def list_due_for_escalation(self, now: datetime) -> list[Complaint]:
        """Searched on the due index, then put in filing order here: the few found are
        sorted cheaply, where ordering in SQL lets a planner without statistics (SQLite)
        walk the whole filing-order index instead."""
        c = self.table.c
        due = self._select(c.escalation_due < now, order_by=(c.escalation_due,))
        return sorted(due, key=lambda c: (c.filed_at or END_OF_TIME, c.id.value))

    def list_filed_between(self, start: datetime, end: datetime) -> list[Complaint]:
        c = self.table.c
        return self._select(c.filed_at >= start, c.filed_at < end, order_by=(c.filed_at,))

    def escalate_due(
        self,
        now: datetime,
        *,
        chain: Callable[[Complaint], Sequence[EscalationStep]],
        calendar: WorkingCalendar,
        after: ComplaintId | None = None,
        limit: int | None = None,
    ) -> Swept:
        """Set-based: a few statements per group of complaints at the same step (``bulk/``)."""
        return escalation_sweep.escalate_due(
            self, now, chain=chain, calendar=calendar, after=after, limit=limit
        )


class SqlCallbacks(SqlRepository[Callback], CallbackRepository):
    def list_for_month(self, month: Month) -> list[Callback]:
        return self._select(self.table.c.month == str(month))


class SqlCallbackPlans(SqlRepository[CallbackPlan], CallbackPlanRepository):
    """No queries: a plan is found by its id."""


# --- records -------------------------------------------------------------------------------------


class SqlRecordFiles(SqlRepository[RecordFile], RecordFileRepository):
    def due_for_purge(self, now: datetime, limit: int) -> list[RecordFile]:
        c = self.table.c
        return self._select(c.purge_due <= now, order_by=(c.purge_due,), limit=limit)


class SqlFoundItems(SqlRepository[FoundItem], FoundItemRepository):
    def list_kept(self) -> list[FoundItem]:
        c = self.table.c
        return self._select(c.status == FoundItemStatus.KEPT.value, order_by=(c.found_at,))


# --- the service hall ----------------------------------------------------------------------------


class SqlDepartments(SqlRepository[Department], DepartmentRepository):
    def list(self) -> list[Department]:
        return self._select()


class SqlWindows(SqlRepository[Window], WindowRepository):
    def list(self) -> list[Window]:
        return self._select()


class SqlGuides(SqlRepository[ServiceGuide], GuideRepository):
    def list_published(self) -> list[ServiceGuide]:
        return self._select(self.table.c.status == GuideStatus.PUBLISHED.value)


class SqlQueues(_SqlDerivedIds[HallQueue], QueueRepository):
    """Windows calling at once queue on the day's row (``SELECT ... FOR UPDATE``, waiting).

    A day nobody opened yet has no row to lock: the first takers each insert it and all
    but one conflict at commit, and the desk retries them on the row the first made.
    """

    def locked(self, queue_id: QueueId) -> HallQueue | None:
        return self._get_locked(queue_id)

    def between(self, first: date, last: date) -> list[HallQueue]:
        c = self.table.c
        return self._select(
            c.day >= first.isoformat(), c.day <= last.isoformat(), order_by=(c.day,)
        )


class SqlApplications(SqlRepository[Application], ApplicationRepository):
    def list_open(self) -> list[Application]:
        c = self.table.c
        return self._select(c.is_open == sa.true(), order_by=(c.received_at,))

    def list_due_for_escalation(self, now: datetime) -> list[Application]:
        c = self.table.c
        return self._select(c.escalation_due < now, order_by=(c.received_at,))


# --- public ratings ------------------------------------------------------------------------------


class SqlRatings(_SqlDerivedIds[Rating], RatingRepository):
    """A second rating of a service breaks the unique key on the service at commit: a
    conflict the desk retries, and the retry finds the first rating and refuses."""

    def counts(self, month: Month, staff_id: str | None = None) -> list[RatingCount]:
        c = self.table.c
        keys = (c.item_id, c.window_id, c.department_id, c.staff_id, c.level)
        query = sa.select(*keys, sa.func.count()).where(c.month == str(month))
        if staff_id is not None:
            query = query.where(c.staff_id == staff_id)
        rows = self.uow.execute(query.group_by(*keys))
        return [
            RatingCount(item, window, department, staff, RatingLevel(level), int(count))
            for item, window, department, staff, level, count in rows
        ]

    def overdue_follow_ups(self, now: datetime) -> list[Rating]:
        c = self.table.c
        return self._select(c.follow_up_due < now, order_by=(c.follow_up_due,))
