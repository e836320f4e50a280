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
import secrets
from collections.abc import Collection, Mapping, Sequence
from types import TracebackType
from typing import Any, Protocol, Self

import attrs

from servicedesk import convert
from servicedesk.app.appraisal.ports import (
    AppraisalReports,
    AppraisalRepository,
    DisciplineNoteRepository,
)
from servicedesk.app.billing.ports import (
    AccountRepository,
    AgreementRepository,
    BillingReports,
    ChargeRepository,
    CostRepository,
    CounterRepository,
    InvoiceRepository,
    PaymentRepository,
    ReceiptBookRepository,
    ReceiptRepository,
    StatementRepository,
)
from servicedesk.app.callbacks.ports import (
    CallbackPlanRepository,
    CallbackRepository,
    QualityReports,
)
from servicedesk.app.catalogue.ports import ItemRepository
from servicedesk.app.complaints.ports import ComplaintRepository
from servicedesk.app.enquiries.ports import EnquiryRepository
from servicedesk.app.feed.ports import FeedEvent, Position
from servicedesk.app.hall.ports import (
    ApplicationRepository,
    DepartmentRepository,
    GuideRepository,
    QueueRepository,
    WindowRepository,
)
from servicedesk.app.ratings.ports import RatingRepository
from servicedesk.app.records.ports import (
    AuditLog,
    FoundItemRepository,
    PersonalData,
    RecordFileRepository,
)
from servicedesk.app.repository import Aggregate, Repository
from servicedesk.app.requests.ports import RequestReports, RequestRepository, WorkerRepository
from servicedesk.app.staff.ports import ItemRequirementRepository, StaffFileRepository
from servicedesk.domain.aggregate import Aggregate as DomainAggregate
from servicedesk.domain.audit import EventRef, EventTally
from servicedesk.domain.events import Event
from servicedesk.domain.values import Identifier


def new_entry() -> int:
    """The mark of one unit of work's events: random, so that writers need agree on nothing.

    Two units of work drawing the same mark would make ``verify`` report their
    events as altered; at 63 bits that is about one chance in 200,000 after ten
    million commands.
    """
    return secrets.randbits(63) or 1


@attrs.frozen
class LoggedEvent:
    """One event as the log holds it: where it is (``event 1234``) and its stored form."""

    place: str
    document: Any


@attrs.frozen
class StoredState:
    """One stored aggregate as plain data, with the plain data of its whole history.

    ``disagrees`` names a column the store keeps beside the document (an amount
    a query sums, a status it filters by) that no longer says what the document does.
    """

    id: str
    document: Any
    history: Sequence[Any]
    disagrees: str | None = None


class EventLog(abc.ABC):
    @abc.abstractmethod
    def history(self, kind: str, aggregate_id: Identifier) -> list[Event]:
        """Every event of one aggregate, in the order it was recorded."""

    @abc.abstractmethod
    def feed(self, after: Position, limit: int) -> list[FeedEvent]:
        """Up to ``limit`` committed events past ``after``, in commit order (``app/feed``).

        The events of one unit of work follow its audit record's number, in the
        order it wrote them (bulk-written ones too); records without events are
        passed over.  Events stored before the log marked its events come first,
        at record 0, in the log's order.
        """

    # --- what ``verify`` checks the trail against ------------------------------------------------

    @abc.abstractmethod
    def of_entries(self, entries: Collection[int]) -> dict[int, list[LoggedEvent]]:
        """The events carrying each of ``entries`` (an audit record's mark), in log order."""

    @abc.abstractmethod
    def unrecorded(self) -> str | None:
        """The first event no audit record vouches for (its ``place``), if any.

        That is an event whose mark no record carries, or, since the log began to
        mark its events, an event without a mark.
        """

    @abc.abstractmethod
    def kinds(self) -> Mapping[str, type[DomainAggregate[Any]]]:
        """Every aggregate kind the store keeps, with its class."""

    @abc.abstractmethod
    def states(self, kind: str, after: str, limit: int) -> list[StoredState]:
        """Up to ``limit`` stored aggregates of ``kind`` with ids above ``after``, by id."""


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
    # the service hall
    hall_departments: DepartmentRepository
    hall_windows: WindowRepository
    hall_guides: GuideRepository
    hall_queues: QueueRepository
    hall_applications: ApplicationRepository
    # public ratings
    ratings: RatingRepository
    # staff files and what items require of staff
    staff_files: StaffFileRepository
    item_requirements: ItemRequirementRepository
    # figures over many aggregates, added up by the store
    request_reports: RequestReports
    quality_reports: QualityReports
    billing_reports: BillingReports
    # staff appraisal
    appraisals: AppraisalRepository
    discipline_notes: DisciplineNoteRepository
    appraisal_reports: AppraisalReports
    # consultations and suggestions (first-responder duty)
    enquiries: EnquiryRepository

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
    #: The mark every event this unit of work writes carries, and its audit record names.
    entry: int

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
        self._seal()
        self._commit()
        self.committed = True
        self.written.clear()
        for repository in self.in_use():
            for aggregate in repository.changed():
                aggregate.version += 1
                aggregate.events.clear()
        return published

    def event_document(self, event: Event) -> Any:
        """``convert.unstructure(event)``, made once: the audit digests it, the log stores it."""
        made: dict[int, tuple[Event, Any]] = self.__dict__.setdefault("_event_documents", {})
        held = made.get(id(event))
        if held is None or held[0] is not event:  # an id is reused only once its event is gone
            held = made[id(event)] = (event, convert.unstructure(event))
        return held[1]

    @abc.abstractmethod
    def _save(self, repository: Repository[Any], aggregate: Aggregate, is_new: bool) -> None:
        """Write the aggregate (version check) and append its events."""

    def _seal(self) -> None:
        """Chain the queued audit records, last before the commit (``AuditLog.seal``)."""
        self.audit.seal()

    @abc.abstractmethod
    def _commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...

    def _close(self) -> None:  # noqa: B027 - optional hook
        """Release connections; nothing to do for a store without any."""

    # --- records ---------------------------------------------------------------------------------
    audit: AuditLog
    personal_data: PersonalData
    record_files: RecordFileRepository
    found_items: FoundItemRepository


class Store(Protocol):
    """An adapter: something that opens units of work."""

    def unit_of_work(self) -> UnitOfWork: ...

    def reading(self) -> UnitOfWork:
        """A unit of work that only reads: it never holds a writer up (queries use it)."""
        ...


# --- complaints, escalation and callbacks --------------------------------------------------------


# --- idempotency ---------------------------------------------------------------------------------


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
    for it, and the audit digests the batch from one template (the purge).  A
    step that never builds its events in Python (the month close) gives
    ``tallies`` instead: their count and one digest per type.
    """

    events: Sequence[Event]
    alike: str | None = None
    refs: Sequence[EventRef] | None = None
    tallies: Sequence[EventTally] = ()


def unsaved_events(uow: UnitOfWork) -> list[Event]:
    """The events of the aggregates ``commit`` is about to save, in the order it saves them."""
    return [e for r in uow.in_use() for a in r.changed() for e in a.events]


def pending_events(uow: UnitOfWork) -> list[Event]:
    """The events ``commit`` is about to publish, in its order (bulk-written ones first)."""
    written = [e for batch in uow.written for e in batch.events]
    return written + unsaved_events(uow)


# --- billing -------------------------------------------------------------------------------------
# One repository per aggregate.  The query methods are what a database answers with
# an index; the invariants that concurrency could break are carried by ids a database
# keeps unique (statement ``<account>:<period>``, receipt ``<series>:<number>``,
# reversal ``<charge>:rev``) and by the version check every aggregate is saved with.


# --- records -------------------------------------------------------------------------------------
