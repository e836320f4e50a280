"""Ports: what the application needs of a store, whatever the store is.

A unit of work is one transaction.  Repositories hand out aggregates and
remember the ones they handed out; on ``commit`` the unit of work saves every
aggregate that recorded new events, checks its version (optimistic
concurrency: nobody else saved it meanwhile) and appends those events to the
event log, all in the one transaction.  Leaving the ``with`` block without
committing rolls everything back.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

import attrs

from servicedesk.domain.accounts import Account
from servicedesk.domain.agreements import Agreement
from servicedesk.domain.audit import AuditHead, AuditRecord, EventRef
from servicedesk.domain.billing import AccountId, Period, SeriesId
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.callbacks import Callback, CallbackPlan, Month
from servicedesk.domain.catalogue import ServiceItem
from servicedesk.domain.charges import Charge
from servicedesk.domain.complaints import Complaint
from servicedesk.domain.costs import Cost
from servicedesk.domain.deadlines import EscalationStep
from servicedesk.domain.errors import ConcurrencyConflict, InvalidValue, NotFound
from servicedesk.domain.events import Event
from servicedesk.domain.invoices import Invoice, ReceiptBook
from servicedesk.domain.lost_found import FoundItem
from servicedesk.domain.payments import Payment, Receipt, SeriesCounter
from servicedesk.domain.requests import ServiceRequest
from servicedesk.domain.retention import RecordFile, RecordFileId
from servicedesk.domain.statements import Statement
from servicedesk.domain.values import Identifier, RequesterKind, RequestId, WorkerId
from servicedesk.domain.workers import Worker
from servicedesk.i18n import _


class Aggregate(Protocol):
    id: Any
    version: int
    events: list[Event]


A = TypeVar("A", bound=Aggregate)


class Repository(abc.ABC, Generic[A]):
    """Loads and tracks aggregates of one kind."""

    kind: str  # stream name in the event log, e.g. "request"
    label: str  # what a clerk calls it, for messages

    def __init__(self) -> None:
        self.seen: dict[Identifier, A] = {}
        self.new: set[Identifier] = set()
        #: Ids this unit of work looked up and did not find: ``add`` need not ask again.
        #: Should another transaction create one meanwhile, saving it fails the commit
        #: with a conflict (a unique key), and the desk retries.
        self.missing: set[Identifier] = set()

    def add(self, aggregate: A) -> None:
        if aggregate.id in self.seen or (
            aggregate.id not in self.missing and self._exists(aggregate.id)
        ):
            raise InvalidValue(
                _("A {what} with id {id} already exists.").format(
                    what=_(self.label), id=aggregate.id
                )
            )
        self._register(aggregate)

    def _register(self, aggregate: A) -> None:
        """Track ``aggregate`` as new: it is inserted at commit."""
        self.seen[aggregate.id] = aggregate
        self.new.add(aggregate.id)
        self.missing.discard(aggregate.id)

    def get(self, aggregate_id: Identifier) -> A:
        if aggregate_id in self.seen:
            return self.seen[aggregate_id]
        aggregate = self._get(aggregate_id)
        if aggregate is None:
            self.missing.add(aggregate_id)
            raise NotFound(_("No {what} with id {id}.").format(what=_(self.label), id=aggregate_id))
        self.seen[aggregate_id] = aggregate
        return aggregate

    def find(self, aggregate_id: Identifier) -> A | None:
        try:
            return self.get(aggregate_id)
        except NotFound:
            return None

    def track(self, aggregates: Sequence[A]) -> list[A]:
        """Aggregates loaded by a query are tracked like those loaded by ``get``."""
        result = []
        for aggregate in aggregates:
            result.append(self.seen.setdefault(aggregate.id, aggregate))
        return result

    def changed(self) -> Iterator[A]:
        return (a for a in self.seen.values() if a.events)

    @abc.abstractmethod
    def _get(self, aggregate_id: Identifier) -> A | None: ...

    @abc.abstractmethod
    def _exists(self, aggregate_id: Identifier) -> bool: ...


class ItemRepository(Repository[ServiceItem]):
    kind, label = "item", "service item"

    @abc.abstractmethod
    def list(self) -> list[ServiceItem]: ...


class RequestRepository(Repository[ServiceRequest]):
    kind, label = "request", "service request"

    @abc.abstractmethod
    def list_open(self) -> list[ServiceRequest]:
        """Requests not declined, closed or cancelled, oldest first."""

    @abc.abstractmethod
    def list_overdue(self, now: datetime) -> list[ServiceRequest]:
        """Open requests past their promised deadline without reaching it."""

    @abc.abstractmethod
    def list_due_for_dispatch(self, now: datetime) -> list[ServiceRequest]:
        """Triaged requests whose batch time has come, oldest first."""

    @abc.abstractmethod
    def open_orders_by_worker(self) -> dict[WorkerId, int]:
        """How many open work orders each worker holds."""


class WorkerRepository(Repository[Worker]):
    kind, label = "worker", "worker"

    @abc.abstractmethod
    def list(self) -> list[Worker]: ...


class EventLog(abc.ABC):
    @abc.abstractmethod
    def history(self, kind: str, aggregate_id: Identifier) -> list[Event]:
        """Every event of one aggregate, in the order it was recorded."""


class UnitOfWork(abc.ABC):
    items: ItemRepository
    requests: RequestRepository
    workers: WorkerRepository
    events: EventLog
    complaints: ComplaintRepository
    callbacks: CallbackRepository
    callback_plans: CallbackPlanRepository
    idempotency: IdempotencyKeys
    # billing (repositories defined at the end of this module)
    accounts: AccountRepository
    charges: ChargeRepository
    statements: StatementRepository
    agreements: AgreementRepository
    payments: PaymentRepository
    receipts: ReceiptRepository
    counters: CounterRepository
    invoices: InvoiceRepository
    receipt_books: ReceiptBookRepository
    costs: CostRepository

    def __enter__(self) -> Self:
        self.committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.committed:
            self.rollback()
        self._close()

    def repositories(self) -> tuple[Repository[Any], ...]:
        """Every repository this unit of work holds, whatever area added it."""
        return tuple(v for v in vars(self).values() if isinstance(v, Repository))

    #: Events a bulk step already saved with its own statements (see ``Written``).
    written: list[Written]

    def in_use(self) -> tuple[Repository[Any], ...]:
        """The repositories that may hold changes, in ``repositories()`` order.

        All of them here; a store that makes repositories on first use names
        only those it made, so that a commit need not look through the rest.
        """
        return self.repositories()

    def commit(self) -> list[Event]:
        """Save every changed aggregate and its events; return the events.

        Events a bulk step wrote itself (``written``) come first: they are
        published and audited like the others, and saved by nobody again.
        """
        published: list[Event] = [e for batch in self.written for e in batch.events]
        for repository in self.in_use():
            for aggregate in list(repository.changed()):
                is_new = aggregate.id in repository.new
                self._save(repository, aggregate, is_new)
                published.extend(aggregate.events)
        self._commit()
        self.committed = True
        self.written.clear()
        for repository in self.in_use():
            for aggregate in repository.changed():
                aggregate.version += 1
                aggregate.events.clear()
        return published

    @abc.abstractmethod
    def _save(self, repository: Repository[Any], aggregate: Aggregate, is_new: bool) -> None:
        """Write the aggregate (version check) and append its events."""

    @abc.abstractmethod
    def _commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...

    def _close(self) -> None:  # noqa: B027 - optional hook
        """Release connections; nothing to do for a store without any."""

    # --- records -------------------------------------------------------------------
    audit: AuditLog
    personal_data: PersonalData
    record_files: RecordFileRepository
    found_items: FoundItemRepository


class Store(Protocol):
    """An adapter: something that opens units of work."""

    def unit_of_work(self) -> UnitOfWork: ...


# --- complaints, escalation and callbacks (issue 5) --------------------------------------------


class ComplaintRepository(Repository[Complaint]):
    kind, label = "complaint", "complaint"

    @abc.abstractmethod
    def list_open(self) -> list[Complaint]:
        """Complaints not closed, oldest first."""

    @abc.abstractmethod
    def list_due_for_escalation(self, now: datetime) -> list[Complaint]:
        """Complaints whose ``next_escalation_at`` is before ``now``, oldest first.

        A database keeps ``Complaint.next_escalation_at`` (derived by the domain) in an
        indexed column written on every save, and answers this with one indexed query; the
        sweep asks the domain again for each, so the column only has to be a superset.
        """

    def escalate_due(
        self,
        now: datetime,
        *,
        chain: Callable[[Complaint], Sequence[EscalationStep]],
        calendar: WorkingCalendar,
    ) -> int:
        """Move every complaint due at ``now`` one step up its ``chain``; how many went up.

        The reference: each complaint due is loaded and ``Complaint.escalate`` decides, and
        the unit of work saves the ones that changed.  A database store overrides this with
        a few set-based statements that store exactly the same documents and events.
        """
        escalated = 0
        for complaint in self.list_due_for_escalation(now):
            escalated += complaint.escalate(chain=chain(complaint), calendar=calendar, now=now)
        return escalated

    @abc.abstractmethod
    def list_filed_between(self, start: datetime, end: datetime) -> list[Complaint]:
        """Complaints filed in ``[start, end)``, oldest first (indexed on ``filed_at``)."""


class CallbackRepository(Repository[Callback]):
    kind, label = "callback", "callback"

    @abc.abstractmethod
    def list_for_month(self, month: Month) -> list[Callback]:
        """The callbacks planned for ``month``, by id (indexed on the month)."""


class CallbackPlanRepository(Repository[CallbackPlan]):
    """One plan per month: the id is the month, so a second draw is refused by the key."""

    kind, label = "callback_plan", "callback plan"


class RequestCaseQueries(abc.ABC):
    """Queries on requests that escalation, callbacks and quality reports need.

    A store's request repository implements them beside ``RequestRepository``; they are a
    separate port so that a store without them still runs every other command.
    """

    @abc.abstractmethod
    def list_due_for_escalation(self, now: datetime) -> list[ServiceRequest]:
        """Requests whose ``next_escalation_at`` is before ``now``, oldest first.

        As for complaints: the domain derives the instant, the store indexes it.
        """

    @abc.abstractmethod
    def list_accepted_between(self, start: datetime, end: datetime) -> list[ServiceRequest]:
        """Completed jobs: requests accepted (``WorkAccepted``) in ``[start, end)``."""


# --- idempotency -------------------------------------------------------------------


class IdempotencyKey(Identifier):
    """The caller's name for one command, so that a retried call is carried out once."""


class IdempotencyKeys(abc.ABC):
    """Commands already carried out, by key, with what they returned.

    ``remember`` writes in the unit of work's own transaction, so the key is
    stored exactly when the command's changes are; a second unit of work
    remembering the same key concurrently fails with ``ConcurrencyConflict``.
    """

    @abc.abstractmethod
    def recall(self, key: IdempotencyKey) -> tuple[str, dict[str, Any]] | None:
        """The command fingerprint and outcome stored under ``key``, if any."""

    @abc.abstractmethod
    def remember(
        self, key: IdempotencyKey, command: str, fingerprint: str, outcome: dict[str, Any]
    ) -> None: ...


@attrs.frozen
class Written:
    """Events a bulk step saved with its own set-based statements, in this unit of work.

    The audit names every event by ``audit.event_ref``; a step that writes
    hundreds of thousands of events from a few templates saves it the work of
    serialising each one again: ``refs`` gives the references made from the
    templates alongside the events (the sweep), or ``alike`` names the one
    attribute in which the events differ (a file id), if they are all alike but
    for it, and the audit digests the batch from one template (the purge).
    """

    events: Sequence[Event]
    alike: str | None = None
    refs: Sequence[EventRef] | None = None


def unsaved_events(uow: UnitOfWork) -> list[Event]:
    """The events of the aggregates ``commit`` is about to save, in the order it saves them."""
    return [e for r in uow.in_use() for a in r.changed() for e in a.events]


def pending_events(uow: UnitOfWork) -> list[Event]:
    """The events ``commit`` is about to publish, in its order (bulk-written ones first)."""
    written = [e for batch in uow.written for e in batch.events]
    return written + unsaved_events(uow)


# --- billing -------------------------------------------------------------------
# One repository per aggregate.  The query methods are what a database answers with
# an index; the invariants that concurrency could break are carried by ids a database
# keeps unique (statement ``<account>:<period>``, receipt ``<series>:<number>``,
# reversal ``<charge>:rev``) and by the version check every aggregate is saved with.


class DerivedIdRepository(Repository[A]):
    """A repository whose ids are derived from the data (``<account>:<period>``, ...).

    The handler looks before it creates, so an id that exists by the time the new
    record is added was created by another transaction meanwhile: a conflict the
    desk retries, not a bad request.  A database reports the same as a violation of
    the primary key at commit.
    """

    def add(self, aggregate: A) -> None:
        if aggregate.id in self.seen:
            super().add(aggregate)  # refuses it: this unit of work holds it already
            return
        if aggregate.id not in self.missing and self._exists(aggregate.id):
            raise ConcurrencyConflict(
                _("Another transaction created {what} {id} meanwhile; try again.").format(
                    what=_(self.label), id=aggregate.id
                )
            )
        self._register(aggregate)  # looked up once, not again by ``Repository.add``


class AccountRepository(Repository[Account]):
    kind, label = "account", "account"

    @abc.abstractmethod
    def list(self) -> list[Account]:
        """Every account, by id."""

    @abc.abstractmethod
    def open_for(self, unit: str, kind: RequesterKind) -> Account | None:
        """The open account of a unit's owner, tenant or member of the public.

        A database keeps this unique with a partial unique index on (unit, kind)
        where the account is open.
        """


class ChargeRepository(DerivedIdRepository[Charge]):
    kind, label = "charge", "charge"

    @abc.abstractmethod
    def for_request(self, request_id: RequestId) -> list[Charge]:
        """The request's charges, oldest first (estimate, charge, reversals)."""

    @abc.abstractmethod
    def for_account(self, account_id: AccountId) -> list[Charge]:
        """The account's charges, oldest first."""

    @abc.abstractmethod
    def billable(self, account_id: AccountId, before: datetime) -> list[Charge]:
        """Confirmed on-account charges on no statement, confirmed before ``before``."""

    @abc.abstractmethod
    def confirmed_between(self, start: datetime, end: datetime) -> list[Charge]:
        """Charges confirmed in ``[start, end)``, for the revenue report."""


@attrs.frozen
class MonthClose:
    """A month close as the handler decided it, the policies asked once for all accounts.

    ``charge_description`` is the text of a charge's statement line with ``{id}`` for
    the request, already in the desk's language.
    """

    period: Period
    cutoff: datetime  # charges confirmed before this instant go on the statement
    at: datetime  # when the statements are issued
    due: datetime  # when they are due
    charge_description: str


class StatementRepository(DerivedIdRepository[Statement]):
    kind, label = "statement", "statement"

    @abc.abstractmethod
    def for_account(self, account_id: AccountId) -> list[Statement]:
        """The account's statements, oldest period first."""

    def issue_in_bulk(self, close: MonthClose) -> list[AccountId] | None:
        """Issue in one go the statements no domain decision is needed for.

        A store that can (the SQL store) bills the plain accounts itself, in a few
        set-based statements of this unit of work, storing exactly what the domain
        would, and returns the accounts left for the handler's per-account close.
        ``None``, the reference answer given here, leaves every account to the
        handler: the domain decides everything.
        """
        return None


class AgreementRepository(Repository[Agreement]):
    kind, label = "agreement", "service agreement"

    @abc.abstractmethod
    def for_account(self, account_id: AccountId) -> list[Agreement]: ...

    @abc.abstractmethod
    def list(self) -> list[Agreement]: ...


class PaymentRepository(Repository[Payment]):
    kind, label = "payment", "payment"

    @abc.abstractmethod
    def for_account(self, account_id: AccountId) -> list[Payment]:
        """The account's payments, oldest first."""


class ReceiptRepository(DerivedIdRepository[Receipt]):
    kind, label = "receipt", "receipt"

    @abc.abstractmethod
    def in_series(self, series: SeriesId) -> list[Receipt]:
        """The receipts of one series, by number."""


class CounterRepository(DerivedIdRepository[SeriesCounter]):
    """Gapless number series.

    ``next`` takes the next number inside the caller's transaction: it is saved
    with the payment it numbers, or not at all.  Here a concurrent taker fails
    the version check and the desk retries; a SQL adapter overrides ``next`` to
    lock the counter row with a waiting ``SELECT ... FOR UPDATE`` (never NOWAIT)
    and backs it with a unique (series, number) constraint on the receipts.
    """

    kind, label = "counter", "number series"

    def next(self, series: SeriesId, *, at: datetime) -> int:
        counter = self.find(series)
        if counter is None:
            counter = SeriesCounter(series)
            self.add(counter)
        return counter.take(at=at)


class InvoiceRepository(DerivedIdRepository[Invoice]):
    kind, label = "invoice", "invoice"

    @abc.abstractmethod
    def list_overdue(self, now: datetime) -> list[Invoice]:
        """Invoices past their deadline and not delivered, oldest deadline first."""

    @abc.abstractmethod
    def for_request(self, request_id: RequestId) -> list[Invoice]: ...


class ReceiptBookRepository(Repository[ReceiptBook]):
    kind, label = "receipt_book", "receipt book"

    @abc.abstractmethod
    def list(self) -> list[ReceiptBook]: ...


class CostRepository(Repository[Cost]):
    kind, label = "cost", "cost"

    @abc.abstractmethod
    def between(self, start: datetime, end: datetime) -> list[Cost]:
        """Costs recorded in ``[start, end)``."""


# --- records -------------------------------------------------------------------


class AuditLog(abc.ABC):
    """The audit trail: one row per record, each with its own hash.

    ``append`` writes in the unit of work's transaction; a second unit of
    work appending the same number concurrently fails with
    ``ConcurrencyConflict`` (a unique key on ``seq``), and the desk retries.
    """

    @abc.abstractmethod
    def last(self) -> AuditRecord | None:
        """The record with the highest number (one indexed read)."""

    def head(self) -> AuditHead | None:
        """The last record's number and hash: all that appending the next one needs.

        A store may answer it without reading and decoding the record's content.
        """
        last = self.last()
        return None if last is None else last.head

    @abc.abstractmethod
    def append(self, record: AuditRecord) -> None: ...

    @abc.abstractmethod
    def records(self, after: int = 0, limit: int = 1000) -> list[AuditRecord]:
        """Up to ``limit`` records numbered above ``after``, in stored order by number."""


class PersonalData(abc.ABC):
    """Rewrites what a store holds about one record, for erasure and purges.

    Both the aggregate's document and every one of its stored events are
    replaced by ``transform`` of them, at commit, in the same transaction;
    the aggregate's version moves on, so a concurrent writer conflicts.  The
    lookup keys of the people named in a record live beside it (``link``),
    never in an event, so that ``unlink`` removes them without a trace.
    """

    @abc.abstractmethod
    def rewrite(
        self, kind: str, cls: type[Any], aggregate_id: Identifier, transform: Callable[[Any], Any]
    ) -> None: ...

    @abc.abstractmethod
    def link(self, file_id: RecordFileId, subjects: Collection[str]) -> None:
        """Add lookup keys (``privacy.subject_key``) to a record's file."""

    @abc.abstractmethod
    def unlink(self, file_id: RecordFileId) -> None:
        """Forget every lookup key of the record's file."""

    @abc.abstractmethod
    def files_of(self, subject: str) -> list[RecordFileId]:
        """Files linked to ``subject`` (one indexed query on the key)."""

    @abc.abstractmethod
    def purge_due(
        self, now: datetime, limit: int, sources: Mapping[str, tuple[type[Any], type[Identifier]]]
    ) -> Purged:
        """Anonymise what it can of up to ``limit`` files due at ``now`` (``due_for_purge``).

        ``sources`` names the record kinds a purge rewrites (store kind ->
        aggregate class, id class).  A store may anonymise files itself, in bulk,
        exactly as ``privacy.scrub`` would (documents, stored events, lookup keys,
        the file marked erased with its ``PersonalDataErased`` event, listed in
        ``UnitOfWork.written``); the files it leaves come back, loaded and
        tracked, for the handler to erase one by one.  The reference (the memory
        store) leaves them all.
        """


@attrs.frozen
class Purged:
    """What ``PersonalData.purge_due`` did: files erased in bulk, files left to the handler."""

    erased: int
    left: list[RecordFile]


class RecordFileRepository(Repository[RecordFile]):
    kind, label = "record_file", "record file"

    @abc.abstractmethod
    def due_for_purge(self, now: datetime, limit: int) -> list[RecordFile]:
        """Files with ``expires_at <= now``, no hold and not erased, earliest first.

        A database answers with one query on an index of when each file is due
        while nothing stops its purge (``purge_due``, NULL once held or erased).
        """


class FoundItemRepository(Repository[FoundItem]):
    kind, label = "found_item", "found item"

    @abc.abstractmethod
    def list_kept(self) -> list[FoundItem]:
        """Items still kept for their owner, oldest first."""
