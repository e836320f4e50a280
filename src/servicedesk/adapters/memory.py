"""The in-memory store: the ports with nothing behind them but dictionaries.

It keeps aggregates as plain data (through the same converter the SQL stores
use), so a unit of work works on copies: a command that fails leaves the
store exactly as it was, and two units of work conflict on versions just as
they would on a database.  Good for tests, demos and embedding without disk.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from servicedesk import convert
from servicedesk.adapters import sealing
from servicedesk.app import pages
from servicedesk.app import unit_of_work as ports
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
    ItemMoney,
    OverdueStatementRow,
    PaymentRepository,
    ReceiptBookRepository,
    ReceiptRepository,
    StatementRepository,
    agreement_fees,
)
from servicedesk.app.callbacks.ports import (
    CallbackPlanRepository,
    CallbackRepository,
    QualityReports,
    QualityTally,
)
from servicedesk.app.catalogue.ports import ItemRepository
from servicedesk.app.complaints.ports import ComplaintRepository
from servicedesk.app.enquiries.ports import EnquiryRepository
from servicedesk.app.feed.ports import FeedEvent, Position, feed_event
from servicedesk.app.hall.ports import (
    ApplicationRepository,
    DepartmentRepository,
    GuideRepository,
    QueueRepository,
    WindowRepository,
)
from servicedesk.app.ratings.ports import RatingCount, RatingRepository
from servicedesk.app.records.ports import (
    AuditLog,
    FoundItemRepository,
    PersonalData,
    Purged,
    RecordFileRepository,
)
from servicedesk.app.repository import Aggregate, Repository
from servicedesk.app.requests.ports import (
    OpenSummary,
    RequestCaseQueries,
    RequestReports,
    RequestRepository,
    WorkerRepository,
)
from servicedesk.app.staff.ports import ItemRequirementRepository, StaffFileRepository
from servicedesk.domain.accounts import Account
from servicedesk.domain.aggregate import Aggregate as DomainAggregate
from servicedesk.domain.agreements import Agreement
from servicedesk.domain.appraisal import Appraisal, AppraisalPeriod, DisciplineNote
from servicedesk.domain.audit import AuditRecord, MalformedRecord
from servicedesk.domain.billing import AccountId, ChargeId, Period, SeriesId
from servicedesk.domain.callbacks import Callback, CallbackPlan, CallbackStatus, Month
from servicedesk.domain.catalogue import ServiceItem
from servicedesk.domain.charges import Charge
from servicedesk.domain.complaints import Complaint
from servicedesk.domain.costs import Cost
from servicedesk.domain.enquiries import Enquiry
from servicedesk.domain.errors import ConcurrencyConflict
from servicedesk.domain.events import Event
from servicedesk.domain.hall import Department, DepartmentId, GuideStatus, ServiceGuide, Window
from servicedesk.domain.hall_cases import Application
from servicedesk.domain.hall_queue import HallQueue
from servicedesk.domain.invoices import Invoice, ReceiptBook
from servicedesk.domain.lost_found import FoundItem, FoundItemStatus
from servicedesk.domain.payments import Payment, Receipt, SeriesCounter
from servicedesk.domain.privacy import scrub
from servicedesk.domain.ratings import Rating, RatingLevel
from servicedesk.domain.requests import ServiceRequest, Status
from servicedesk.domain.retention import RecordFile, RecordFileId
from servicedesk.domain.staff import ItemRequirement, StaffFile
from servicedesk.domain.statements import Statement, StatementLineKind
from servicedesk.domain.values import (
    ActorId,
    Identifier,
    ItemId,
    RequesterKind,
    RequestId,
    WorkerId,
)
from servicedesk.domain.workers import Worker
from servicedesk.i18n import _

A = TypeVar("A", bound=Aggregate)
Row = tuple[int, dict[str, Any]]  # (version, document)

#: The key each record file's personal data is sealed under (``sealing``), None once forgotten.
KEYS = "subject_key"


def _key(store: MemoryStore, file_id: str) -> bytes | None:
    row = store.tables.get(KEYS, {}).get(RecordFileId(file_id))
    return None if row is None else row[1]["key"]


def _opened(store: MemoryStore, kind: str, record_id: str, document: Any) -> Any:
    """The stored document with its sealed part opened, if the file's key is still kept."""
    if not sealing.is_sealed(document):
        return document
    file_id = sealing.file_of(kind, record_id)
    with store.lock:
        key = _key(store, file_id)
    return sealing.unseal(document, file_id, key)


#: What the SQL store's unique indexes keep unique, checked by the memory store at commit:
#: per kind, the key an aggregate holds, or None (one OPEN account per unit and kind).
UNIQUE: dict[str, Callable[[Any], Hashable | None]] = {
    "account": lambda a: (a.unit, a.kind.value) if a.is_open else None,
    "rating": lambda r: (r.service.kind.value, r.service.service_id),
}


class MemoryStore:
    """Committed state, shared by the units of work it opens."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.tables: dict[str, dict[Identifier, Row]] = {}
        self.log: dict[tuple[str, Identifier], list[dict[str, Any]]] = {}
        #: Where each unit of work's events went (by its mark): their stream, id and place.
        self.marks: dict[int, list[tuple[str, Identifier, int]]] = {}
        #: ``UNIQUE``'s keys: who holds each, and what each holds.
        self.holders: dict[tuple[str, Hashable], Identifier] = {}
        self.held: dict[tuple[str, Identifier], Hashable] = {}

    def unit_of_work(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)

    def reading(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)

    def snapshot(self) -> dict[str, Any]:
        """A deep copy of everything committed, whatever tables areas added."""
        with self.lock:
            return copy.deepcopy({k: v for k, v in vars(self).items() if k != "lock"})


class _MemoryRepository(Repository[A]):
    cls: type[A]

    def __init__(self, store: MemoryStore) -> None:
        super().__init__()
        self.store = store

    def _load(self, row: Row) -> A:
        version, document = row
        document = _opened(self.store, self.kind, document["id"], document)
        aggregate = convert.structure(document, self.cls)
        aggregate.version = version
        return aggregate

    def _get(self, aggregate_id: Identifier) -> A | None:
        with self.store.lock:
            row = self.store.tables.get(self.kind, {}).get(aggregate_id)
        return None if row is None else self._load(row)

    def _exists(self, aggregate_id: Identifier) -> bool:
        with self.store.lock:
            return aggregate_id in self.store.tables.get(self.kind, {})

    def _all(self, keep: Callable[[A], bool] = lambda _a: True) -> list[A]:
        with self.store.lock:
            rows = list(self.store.tables.get(self.kind, {}).values())
        return self.track([a for a in map(self._load, rows) if keep(a)])

    def page(
        self, listing: pages.Listing, where: Sequence[pages.Condition], window: pages.Window
    ) -> pages.Rows:
        """One page of ``listing``, its fields computed as the SQL store's projections are."""
        with self.store.lock:
            rows = list(self.store.tables.get(self.kind, {}).values())
        found = [listing.row(self._load(row)) for row in rows]
        return pages.page_of_rows(listing, found, where, window)


class MemoryItems(_MemoryRepository[ServiceItem], ItemRepository):
    cls = ServiceItem

    def list(self) -> list[ServiceItem]:
        return sorted(self._all(), key=lambda i: i.name)


class MemoryRequests(_MemoryRepository[ServiceRequest], RequestRepository, RequestCaseQueries):
    cls = ServiceRequest

    def list_open(self) -> list[ServiceRequest]:
        return _oldest_first(self._all(lambda r: r.is_open))

    def list_overdue(self, now: datetime) -> list[ServiceRequest]:
        return _oldest_first(self._all(lambda r: r.is_overdue(now)))

    def list_due_for_dispatch(self, now: datetime) -> list[ServiceRequest]:
        return _oldest_first(
            self._all(
                lambda r: (
                    r.status is Status.TRIAGED
                    and r.dispatch_due is not None
                    and r.dispatch_due <= now
                )
            )
        )

    def open_orders_by_worker(self) -> dict[WorkerId, int]:
        counts: dict[WorkerId, int] = defaultdict(int)
        for request in self._all(lambda r: r.is_open):
            if request.worker_id is not None and request.status is not Status.TRIAGED:
                counts[request.worker_id] += 1
        return dict(counts)

    # --- escalation and callbacks ----------------------------------------------------------------

    def list_due_for_escalation(self, now: datetime) -> list[ServiceRequest]:
        return _oldest_first(self._all(lambda r: _before(r.next_escalation_at, now)))

    def list_accepted_between(self, start: datetime, end: datetime) -> list[ServiceRequest]:
        with self.store.lock:
            accepted = {
                aggregate_id
                for (kind, aggregate_id), events in self.store.log.items()
                if kind == self.kind
                and any(
                    e[convert.EVENT_TAG] == "WorkAccepted"
                    and start <= datetime.fromisoformat(e["at"]) < end
                    for e in events
                )
            }
        return _oldest_first(self._all(lambda r: r.id in accepted))


def _oldest_first(requests: list[ServiceRequest]) -> list[ServiceRequest]:
    return sorted(requests, key=lambda r: (r.registered_at or datetime.min, r.id.value))


class MemoryWorkers(_MemoryRepository[Worker], WorkerRepository):
    cls = Worker

    def list(self) -> list[Worker]:
        return sorted(self._all(), key=lambda w: w.id.value)


class MemoryEventLog(ports.EventLog):
    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def history(self, kind: str, aggregate_id: Identifier) -> list[Event]:
        with self.store.lock:
            documents = list(self.store.log.get((kind, aggregate_id), ()))
        opened = [_opened(self.store, kind, aggregate_id.value, d) for d in documents]
        return [convert.structure(d, Event) for d in opened]

    def feed(self, after: Position, limit: int) -> list[FeedEvent]:
        """A record's events are its mark's list in ``store.marks``; the offset, a place in it."""
        found: list[FeedEvent] = []
        with self.store.lock:
            rows = self.store.tables.get(AUDIT, {})
            floor = _seq_key(after.record).value
            for key in sorted(k.value for k in rows if k.value >= floor):
                if len(found) >= limit:
                    break
                record = _audit_record(Identifier(key), rows[Identifier(key)][1])
                if not isinstance(record, AuditRecord) or record.entry is None:
                    continue
                marks = self.store.marks.get(record.entry, [])
                start = after.offset if record.seq == after.record else 0
                for place in range(start, len(marks)):
                    if len(found) >= limit:
                        break
                    kind, aggregate_id, index = marks[place]
                    history = self.store.log.get((kind, aggregate_id), [])
                    if index < len(history):  # a shortened history: ``verify`` names it
                        position = Position(record.seq, place + 1)
                        document = copy.deepcopy(history[index])
                        document = _opened(self.store, kind, aggregate_id.value, document)
                        found.append(feed_event(position, kind, aggregate_id.value, document))
        return found

    def of_entries(self, entries: Collection[int]) -> dict[int, list[ports.LoggedEvent]]:
        found: dict[int, list[ports.LoggedEvent]] = {}
        with self.store.lock:
            for entry in entries:
                for kind, aggregate_id, place in self.store.marks.get(entry, ()):
                    history = self.store.log.get((kind, aggregate_id), [])
                    if place < len(history):  # a shortened history leaves the event missing
                        where = f"event {place + 1} of {kind} {aggregate_id}"
                        # Opened, not stripped: re-vouching recomputes an old digest from the text.
                        document = _opened(
                            self.store, kind, aggregate_id.value, copy.deepcopy(history[place])
                        )
                        logged = ports.LoggedEvent(where, document)
                        found.setdefault(entry, []).append(logged)
        return found

    def unrecorded(self) -> str | None:
        with self.store.lock:
            marked = {mark for marks in self.store.marks.values() for mark in marks}
            records = [
                _audit_record(key, row[1]) for key, row in self.store.tables.get(AUDIT, {}).items()
            ]
            vouched = {r.entry for r in records if isinstance(r, AuditRecord)}
            for (kind, aggregate_id), history in sorted(self.store.log.items(), key=str):
                for place in range(len(history)):
                    if (kind, aggregate_id, place) not in marked:
                        return f"event {place + 1} of {kind} {aggregate_id}"
            for entry in sorted(set(self.store.marks) - vouched):
                kind, aggregate_id, place = self.store.marks[entry][0]
                return f"event {place + 1} of {kind} {aggregate_id}"
        return None

    def kinds(self) -> Mapping[str, type[DomainAggregate[Any]]]:
        repositories = MemoryUnitOfWork(self.store).repositories()
        return {r.kind: r.cls for r in repositories if isinstance(r, _MemoryRepository)}

    def states(self, kind: str, after: str, limit: int) -> list[ports.StoredState]:
        with self.store.lock:
            rows = self.store.tables.get(kind, {})
            ids = sorted((i for i in rows if i.value > after), key=lambda i: i.value)[:limit]
            return [
                ports.StoredState(
                    i.value,
                    copy.deepcopy(_opened(self.store, kind, i.value, rows[i][1])),
                    [
                        copy.deepcopy(_opened(self.store, kind, i.value, d))
                        for d in self.store.log.get((kind, i), [])
                    ],
                )
                for i in ids
            ]


class MemoryUnitOfWork(ports.UnitOfWork):
    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        requests = MemoryRequests(store)  # the reports below read it too
        # every repository, one line each, in the order a commit saves them
        self.items = MemoryItems(store)
        self.requests = requests
        self.workers = MemoryWorkers(store)
        self.complaints = MemoryComplaints(store)
        self.callbacks = MemoryCallbacks(store)
        self.callback_plans = MemoryCallbackPlans(store)
        self.accounts = MemoryAccounts(store)
        self.charges = MemoryCharges(store)
        self.statements = MemoryStatements(store)
        self.agreements = MemoryAgreements(store)
        self.payments = MemoryPayments(store)
        self.receipts = MemoryReceipts(store)
        self.counters = MemoryCounters(store)
        self.invoices = MemoryInvoices(store)
        self.receipt_books = MemoryReceiptBooks(store)
        self.costs = MemoryCosts(store)
        self.record_files = MemoryRecordFiles(store)
        self.found_items = MemoryFoundItems(store)
        self.hall_departments = MemoryDepartments(store)
        self.hall_windows = MemoryWindows(store)
        self.hall_guides = MemoryGuides(store)
        self.hall_queues = MemoryQueues(store)
        self.hall_applications = MemoryApplications(store)
        self.appraisals = MemoryAppraisals(store)
        self.discipline_notes = MemoryDisciplineNotes(store)
        self.ratings = MemoryRatings(store)
        self.enquiries = MemoryEnquiries(store)
        self.staff_files = MemoryStaffFiles(store)
        self.item_requirements = MemoryItemRequirements(store)
        # the ports that are not repositories
        self.events = MemoryEventLog(store)
        self.idempotency = MemoryIdempotencyKeys(self)
        self.audit: MemoryAuditLog = MemoryAuditLog(self)
        self.personal_data = MemoryPersonalData(self)
        self.request_reports = MemoryRequestReports(requests)
        self.quality_reports = MemoryQualityReports(self, requests)
        self.billing_reports = MemoryBillingReports(self)
        self.appraisal_reports = MemoryAppraisalReports(self)
        self._pending: list[tuple[str, Identifier, int, Row, list[dict[str, Any]]]] = []
        self._keys: dict[tuple[str, Identifier], Hashable | None] = {}  # UNIQUE, as saved
        self._new_keys: dict[str, bytes | None] = {}  # KEYS, as staged
        self.written: list[ports.Written] = []
        self.entry = ports.new_entry()

    def _key_for_write(self, file_id: str) -> bytes | None:
        """The file's key, staged new with the commit if it has none; None if forgotten."""
        if file_id in self._new_keys:
            return self._new_keys[file_id]
        with self.store.lock:
            row = self.store.tables.get(KEYS, {}).get(RecordFileId(file_id))
        if row is not None:
            return row[1]["key"]  # type: ignore[no-any-return]
        key = self._new_keys[file_id] = sealing.new_key()
        self._pending.append((KEYS, RecordFileId(file_id), -1, (1, {"key": key}), []))
        return key

    def _save(self, repository: Repository[Any], aggregate: Aggregate, is_new: bool) -> None:
        file_id = sealing.file_of(repository.kind, aggregate.id.value)

        def key_of() -> bytes | None:
            return self._key_for_write(file_id)

        document = sealing.seal(aggregate, convert.unstructure(aggregate), file_id, key_of)
        events = [
            sealing.seal(e, self.event_document(e), file_id, key_of) for e in aggregate.events
        ]
        expected = -1 if is_new else aggregate.version
        self._pending.append(
            (repository.kind, aggregate.id, expected, (aggregate.version + 1, document), events)
        )
        unique = UNIQUE.get(repository.kind)
        if unique is not None:
            self._keys[repository.kind, aggregate.id] = unique(aggregate)

    def _commit(self) -> None:
        with self.store.lock:
            self.audit.seal_locked()
            for kind, aggregate_id, expected, _row, _events in self._pending:
                current = self.store.tables.get(kind, {}).get(aggregate_id)
                current_version = -1 if current is None else current[0]
                if current_version != expected:
                    self._pending.clear()
                    raise ConcurrencyConflict(
                        _("The {kind} {id} was changed by someone else; try again."),
                        kind=_(kind),
                        id=aggregate_id,
                    )
            links = self._links()
            self._claim_keys()
            self._new_keys.clear()
            for kind, aggregate_id, _expected, row, events in self._pending:
                self.store.tables.setdefault(kind, {})[aggregate_id] = row
                history = self.store.log.setdefault((kind, aggregate_id), [])
                if events:
                    marks = self.store.marks.setdefault(self.entry, [])
                    marks.extend((kind, aggregate_id, len(history) + i) for i in range(len(events)))
                history.extend(events)
            charges = self.store.tables.get("charge", {})
            for charge_id, sid in links:
                version, document = charges[charge_id]
                charges[charge_id] = (version + 1, {**document, "statement_id": sid})
        self._pending.clear()

    def _links(self) -> list[tuple[ChargeId, str]]:
        """The charges the new statements bill, as the SQL store links them: each on none yet."""
        charges = self.store.tables.get("charge", {})
        links: list[tuple[ChargeId, str]] = []
        for kind, aggregate_id, expected, (_version, document), _events in self._pending:
            if kind != "statement" or expected != -1:
                continue
            for line in document["lines"]:
                if line["kind"] != StatementLineKind.CHARGE.value:
                    continue
                row = charges.get(ChargeId(line["reference"]))
                if row is None or row[1].get("statement_id") is not None:
                    self._pending.clear()
                    raise ConcurrencyConflict(
                        _("The {kind} {id} was changed by someone else; try again."),
                        code="record.changed",
                        kind=_("statement"),
                        id=aggregate_id,
                    )
                links.append((ChargeId(line["reference"]), aggregate_id.value))
        return links

    def _claim_keys(self) -> None:
        """Refuse the commit, as a unique index would, if a key another aggregate keeps is taken.

        A key whose holder gives it up in this same commit (an account closed) is free.
        """
        holders, held, keys = self.store.holders, self.store.held, self._keys
        claimed: dict[tuple[str, Hashable], Identifier] = {}
        for (kind, aggregate_id), key in keys.items():
            if key is None:
                continue
            holder = holders.get((kind, key))
            keeps = holder is not None and keys.get((kind, holder), key) == key
            other = claimed.setdefault((kind, key), aggregate_id)
            if (keeps and holder != aggregate_id) or other != aggregate_id:
                self._pending.clear()
                self._keys.clear()
                raise ConcurrencyConflict(
                    _("Another {kind} holds what {id} needs; someone saved it first."),
                    kind=_(kind),
                    id=aggregate_id,
                )
        for kind, aggregate_id in keys:
            old = held.pop((kind, aggregate_id), None)
            if old is not None and holders.get((kind, old)) == aggregate_id:
                del holders[kind, old]
        for (kind, aggregate_id), key in keys.items():
            if key is not None:
                holders[kind, key] = aggregate_id
                held[kind, aggregate_id] = key
        self._keys.clear()

    def rollback(self) -> None:
        self._new_keys.clear()
        self._pending.clear()
        self._keys.clear()
        self.written.clear()


# --- complaints, escalation and callbacks --------------------------------------------------------


def _before(at: datetime | None, now: datetime) -> bool:
    return at is not None and at < now


class MemoryComplaints(_MemoryRepository[Complaint], ComplaintRepository):
    cls = Complaint

    def list_open(self) -> list[Complaint]:
        return _filed_first(self._all(lambda c: c.is_open))

    def list_due_for_escalation(self, now: datetime) -> list[Complaint]:
        return _filed_first(self._all(lambda c: _before(c.next_escalation_at, now)))

    def list_filed_between(self, start: datetime, end: datetime) -> list[Complaint]:
        return _filed_first(
            self._all(lambda c: c.filed_at is not None and start <= c.filed_at < end)
        )


def _filed_first(complaints: list[Complaint]) -> list[Complaint]:
    return sorted(complaints, key=lambda c: (c.filed_at or datetime.min, c.id.value))


class MemoryCallbacks(_MemoryRepository[Callback], CallbackRepository):
    cls = Callback

    def list_for_month(self, month: Month) -> list[Callback]:
        return sorted(self._all(lambda c: c.month == month), key=lambda c: c.id.value)


class MemoryCallbackPlans(_MemoryRepository[CallbackPlan], CallbackPlanRepository):
    cls = CallbackPlan


# --- idempotency ---------------------------------------------------------------------------------

IDEMPOTENCY = "idempotency"  # the store's table of remembered commands


class MemoryIdempotencyKeys(ports.IdempotencyKeys):
    """Keys kept as rows of their own table, staged like aggregates.

    ``remember`` stages the row as new (expected version -1), so the unit of
    work's commit writes it together with the command's changes, or refuses
    with ``ConcurrencyConflict`` when another unit of work stored the key first.
    """

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self.uow = uow

    def recall(self, key: ports.IdempotencyKey) -> tuple[str, dict[str, Any]] | None:
        with self.uow.store.lock:
            row = self.uow.store.tables.get(IDEMPOTENCY, {}).get(key)
        if row is None:
            return None
        return row[1]["fingerprint"], row[1]["outcome"]

    def remember(
        self, key: ports.IdempotencyKey, command: str, fingerprint: str, outcome: dict[str, Any]
    ) -> None:
        document = {"command": command, "fingerprint": fingerprint, "outcome": outcome}
        self.uow._pending.append((IDEMPOTENCY, key, -1, (1, document), []))


# --- billing -------------------------------------------------------------------------------------


def _by_time(values: list[A], key: Callable[[A], datetime | None]) -> list[A]:
    return sorted(values, key=lambda a: (key(a) or datetime.min.replace(tzinfo=UTC), str(a.id)))


class MemoryAccounts(_MemoryRepository[Account], AccountRepository):
    cls = Account

    def list(self) -> list[Account]:
        return sorted(self._all(), key=lambda a: a.id.value)

    def open_for(self, unit: str, kind: RequesterKind) -> Account | None:
        found = self._all(lambda a: a.is_open and a.unit == unit and a.kind is kind)
        return found[0] if found else None


class MemoryCharges(_MemoryRepository[Charge], ChargeRepository):
    cls = Charge

    def for_request(self, request_id: RequestId) -> list[Charge]:
        return sorted(self._all(lambda c: c.request_id == request_id), key=_charge_order)

    def for_account(self, account_id: AccountId) -> list[Charge]:
        return sorted(self._all(lambda c: c.account_id == account_id), key=_charge_order)

    def billable(
        self, account_id: AccountId, before: datetime, *, audited: bool = False
    ) -> list[Charge]:
        return sorted(
            self._all(
                lambda c: c.account_id == account_id and c.is_billable(before, audited=audited)
            ),
            key=_charge_order,
        )

    def confirmed_between(self, start: datetime, end: datetime) -> list[Charge]:
        return sorted(
            self._all(
                lambda c: (
                    c.is_confirmed and c.confirmed_at is not None and start <= c.confirmed_at < end
                )
            ),
            key=_charge_order,
        )


def _charge_order(charge: Charge) -> tuple[datetime, str]:
    return (charge.confirmed_at or datetime.max.replace(tzinfo=UTC), charge.id.value)


class MemoryStatements(_MemoryRepository[Statement], StatementRepository):
    cls = Statement

    def for_account(self, account_id: AccountId) -> list[Statement]:
        return sorted(
            self._all(lambda s: s.account_id == account_id),
            key=lambda s: (s.period, s.id.value),
        )


class MemoryAgreements(_MemoryRepository[Agreement], AgreementRepository):
    cls = Agreement

    def for_account(self, account_id: AccountId) -> list[Agreement]:
        return sorted(self._all(lambda a: a.account_id == account_id), key=lambda a: a.id.value)

    def list(self) -> list[Agreement]:
        return sorted(self._all(), key=lambda a: a.id.value)


class MemoryPayments(_MemoryRepository[Payment], PaymentRepository):
    cls = Payment

    def for_account(self, account_id: AccountId) -> list[Payment]:
        return _by_time(self._all(lambda p: p.account_id == account_id), lambda p: p.at)


class MemoryReceipts(_MemoryRepository[Receipt], ReceiptRepository):
    cls = Receipt

    def in_series(self, series: SeriesId) -> list[Receipt]:
        return sorted(self._all(lambda r: r.series == series), key=lambda r: r.number)


class MemoryCounters(_MemoryRepository[SeriesCounter], CounterRepository):
    """Counters are aggregates here: a number taken is saved at commit or never."""

    cls = SeriesCounter


class MemoryInvoices(_MemoryRepository[Invoice], InvoiceRepository):
    cls = Invoice

    def list_overdue(self, now: datetime) -> list[Invoice]:
        return _by_time(self._all(lambda i: i.is_overdue(now)), lambda i: i.deadline)

    def for_request(self, request_id: RequestId) -> list[Invoice]:
        return _by_time(self._all(lambda i: i.request_id == request_id), lambda i: i.requested_at)


class MemoryReceiptBooks(_MemoryRepository[ReceiptBook], ReceiptBookRepository):
    cls = ReceiptBook

    def list(self) -> list[ReceiptBook]:
        return sorted(self._all(), key=lambda b: b.id.value)


class MemoryCosts(_MemoryRepository[Cost], CostRepository):
    cls = Cost

    def between(self, start: datetime, end: datetime) -> list[Cost]:
        return _by_time(
            self._all(lambda c: c.at is not None and start <= c.at < end), lambda c: c.at
        )


# --- records -------------------------------------------------------------------------------------

AUDIT = "audit"  # one row per audit record, keyed by its zero-padded number
#: Audit rows hold their record as one JSON text: as a database column would, and cheap to copy.
AUDIT_TEXT = "record"
SUBJECTS = "subject_index"  # a record file's lookup keys, apart from its events


def _audit_record(key: Identifier, document: dict[str, Any]) -> AuditRecord | MalformedRecord:
    try:
        return convert.structure(json.loads(document[AUDIT_TEXT]), AuditRecord)
    except Exception as error:  # whatever an edited row makes the decoder raise is a finding
        return MalformedRecord(int(key.value), type(error).__name__)


def _seq_key(seq: int) -> Identifier:
    return Identifier(f"{seq:012d}")


class MemoryAuditLog(AuditLog):
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        super().__init__()
        self.uow = uow

    def seal(self) -> None:
        """Nothing yet: the commit chains the queued records under the store's lock."""

    def seal_locked(self) -> None:
        """Chain the queued records on the head; the caller holds the store's lock."""
        super().seal()

    def _rows(self) -> dict[Identifier, Row]:
        return self.uow.store.tables.get(AUDIT, {})

    def last(self) -> AuditRecord | None:
        with self.uow.store.lock:
            rows = self._rows()
            key = max(rows, key=lambda k: k.value, default=None)
            document = None if key is None else rows[key][1]
        record = None if key is None or document is None else _audit_record(key, document)
        return record if isinstance(record, AuditRecord) else None

    def append(self, record: AuditRecord) -> None:
        row = (1, {AUDIT_TEXT: json.dumps(convert.unstructure(record), sort_keys=True)})
        self.uow._pending.append((AUDIT, _seq_key(record.seq), -1, row, []))

    def records(self, after: int = 0, limit: int = 1000) -> list[AuditRecord | MalformedRecord]:
        floor = _seq_key(after).value
        with self.uow.store.lock:
            rows = self._rows()
            keys = [Identifier(k) for k in sorted(k.value for k in rows if k.value > floor)[:limit]]
            documents = [(k, rows[k][1]) for k in keys]
        return [_audit_record(k, d) for k, d in documents]


class MemoryPersonalData(PersonalData):
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self.uow = uow

    def shred(self, kind: str, cls: type[Any], aggregate_id: Identifier) -> None:
        store = self.uow.store
        file_id = RecordFileId(sealing.file_of(kind, aggregate_id.value))
        with store.lock:
            version, document = store.tables[kind][aggregate_id]
            key_row = store.tables.get(KEYS, {}).get(file_id)
        pending = self.uow._pending
        pending[:] = [p for p in pending if (p[0], p[1]) != (KEYS, file_id)]
        expected = -1 if key_row is None else key_row[0]
        pending.append((KEYS, file_id, expected, (max(expected, 0) + 1, {"key": None}), []))
        self.uow._new_keys[file_id.value] = None
        self.uow._pending.append((kind, aggregate_id, version, (version + 1, document), []))
        if (unique := UNIQUE.get(kind)) is not None:  # as SQL computes the projections again
            changed = scrub(convert.structure(sealing.strip(document), cls))
            self.uow._keys[kind, aggregate_id] = unique(changed)

    def _subjects(self, file_id: RecordFileId) -> tuple[int, list[str]]:
        """The version committed and the keys as this unit of work last staged them."""
        with self.uow.store.lock:
            row = self.uow.store.tables.get(SUBJECTS, {}).get(file_id)
        version, known = (-1, []) if row is None else (row[0], list(row[1]["subjects"]))
        for kind, key, _expected, (_v, document), _events in self.uow._pending:
            if kind == SUBJECTS and key == file_id:
                known = list(document["subjects"])
        return version, known

    def _stage(self, file_id: RecordFileId, version: int, subjects: list[str]) -> None:
        pending = self.uow._pending
        pending[:] = [p for p in pending if (p[0], p[1]) != (SUBJECTS, file_id)]
        pending.append(
            (SUBJECTS, file_id, version, (max(version, 0) + 1, {"subjects": subjects}), [])
        )

    def link(self, file_id: RecordFileId, subjects: Collection[str]) -> None:
        version, known = self._subjects(file_id)
        merged = sorted(set(known) | set(subjects))
        if merged != known:
            self._stage(file_id, version, merged)

    def unlink(self, file_id: RecordFileId) -> None:
        version, known = self._subjects(file_id)
        if known:
            self._stage(file_id, version, [])

    def purge_due(
        self, now: datetime, limit: int, sources: Mapping[str, tuple[type[Any], type[Identifier]]]
    ) -> Purged:
        """The reference: every due file is left to the handler's per-record erasure."""
        return Purged(0, self.uow.record_files.due_for_purge(now, limit))

    def files_of(self, subject: str) -> list[RecordFileId]:
        with self.uow.store.lock:
            rows = dict(self.uow.store.tables.get(SUBJECTS, {}))
        found = [k for k, (_v, doc) in rows.items() if subject in doc["subjects"]]
        return sorted((RecordFileId(k.value) for k in found), key=lambda f: f.value)


class MemoryRecordFiles(_MemoryRepository[RecordFile], RecordFileRepository):
    cls = RecordFile

    def due_for_purge(self, now: datetime, limit: int) -> list[RecordFile]:
        due = sorted(self._all(lambda f: f.is_due(now)), key=lambda f: (f.expires_at, f.id.value))
        return due[:limit]


class MemoryFoundItems(_MemoryRepository[FoundItem], FoundItemRepository):
    cls = FoundItem

    def list_kept(self) -> list[FoundItem]:
        kept = self._all(lambda i: i.status is FoundItemStatus.KEPT)
        return sorted(kept, key=lambda i: (i.found_at or datetime.min, i.id.value))


# --- the service hall ----------------------------------------------------------------------------


class MemoryDepartments(_MemoryRepository[Department], DepartmentRepository):
    cls = Department

    def list(self) -> list[Department]:
        return sorted(self._all(), key=lambda d: d.id.value)


class MemoryWindows(_MemoryRepository[Window], WindowRepository):
    cls = Window

    def list(self) -> list[Window]:
        return sorted(self._all(), key=lambda w: w.id.value)


class MemoryGuides(_MemoryRepository[ServiceGuide], GuideRepository):
    cls = ServiceGuide

    def list_published(self) -> list[ServiceGuide]:
        published = self._all(lambda g: g.status is GuideStatus.PUBLISHED)
        return sorted(published, key=lambda g: g.id.value)


class MemoryQueues(_MemoryRepository[HallQueue], QueueRepository):
    """One writer at a time already: the commit's version check is the lock."""

    cls = HallQueue

    def between(self, first: date, last: date) -> list[HallQueue]:
        return sorted(self._all(lambda q: first <= q.day <= last), key=lambda q: q.day)


class MemoryApplications(_MemoryRepository[Application], ApplicationRepository):
    cls = Application

    def list_open(self) -> list[Application]:
        return _received_first(self._all(lambda a: a.is_open))

    def list_due_for_escalation(self, now: datetime) -> list[Application]:
        return _received_first(self._all(lambda a: _before(a.next_due, now)))


def _received_first(applications: list[Application]) -> list[Application]:
    return sorted(applications, key=lambda a: (a.received_at, a.id.value))


# --- reports: the reference answers the SQL store's GROUP BY queries must equal -------------------


class MemoryRequestReports(RequestReports):
    def __init__(self, requests: MemoryRequests) -> None:
        self.requests = requests

    def open_summary(self, now: datetime, limit: int) -> OpenSummary:
        found = self.requests.list_open()
        counts: dict[Status, int] = defaultdict(int)
        for request in found:
            counts[request.status] += 1
        overdue = sum(1 for r in found if r.is_overdue(now))
        return OpenSummary(len(found), overdue, dict(counts), tuple(found[: max(limit, 0)]))


class MemoryQualityReports(QualityReports):
    def __init__(self, uow: MemoryUnitOfWork, requests: MemoryRequests) -> None:
        self.uow = uow
        self.requests = requests

    def tallies(
        self, month: Month, start: datetime, end: datetime, satisfied_from: int
    ) -> list[QualityTally]:
        rows: dict[tuple[Any, Any], list[int]] = defaultdict(lambda: [0] * 6)
        for job in self.requests.list_accepted_between(start, end):
            row = rows[job.item_id, job.worker_id]
            row[0] += 1
            row[1] += int(not job.deadline_missed)
            row[2] += int(job.rework_count == 0)
        for complaint in self.uow.complaints.list_filed_between(start, end):
            rows[complaint.item_id, complaint.worker_id][3] += 1
        for callback in self.uow.callbacks.list_for_month(month):
            if callback.status is CallbackStatus.REACHED and callback.satisfaction is not None:
                row = rows[callback.job.item_id, callback.job.worker_id]
                row[4] += 1
                row[5] += int(callback.satisfaction >= satisfied_from)
        return [
            QualityTally(item, worker, *counts)
            for (item, worker), counts in sorted(rows.items(), key=lambda kv: _pair_order(kv[0]))
        ]


def _pair_order(pair: tuple[Any, Any]) -> tuple[tuple[bool, str], ...]:
    """By item id then worker id, NULLs first: the SQL stores' order."""
    return tuple((value is not None, "" if value is None else value.value) for value in pair)


class MemoryBillingReports(BillingReports):
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self.uow = uow

    def item_money(self, period: Period, start: datetime, end: datetime) -> list[ItemMoney]:
        uow = self.uow
        revenue: dict[tuple[ItemId, str], Decimal] = defaultdict(Decimal)
        cost: dict[tuple[ItemId, str], Decimal] = defaultdict(Decimal)
        for charge in uow.charges.confirmed_between(start, end):
            revenue[charge.item_id, charge.amount.currency] += charge.amount.amount
        for item, fee in agreement_fees(uow.agreements, uow.statements, period):
            revenue[item, fee.currency] += fee.amount
        for entry in uow.costs.between(start, end):
            cost[entry.item_id, entry.amount.currency] += entry.amount.amount
        zero = Decimal("0.00")
        return [
            ItemMoney(
                item,
                currency,
                revenue.get((item, currency), zero),
                cost.get((item, currency), zero),
            )
            for item, currency in sorted(
                revenue.keys() | cost.keys(), key=lambda k: (k[0].value, k[1])
            )
        ]

    def _overdue_statements(self, now: datetime) -> list[Statement]:
        found = [
            s
            for a in self.uow.accounts.list()
            for s in self.uow.statements.for_account(a.id)
            if s.is_overdue(now)
        ]
        return sorted(found, key=lambda s: (s.period, s.id.value))

    def overdue_statement_rows(self, now: datetime) -> list[OverdueStatementRow]:
        rows = []
        for statement in self._overdue_statements(now):
            holder = self.uow.accounts.get(statement.account_id).requester
            rows.append(
                OverdueStatementRow(
                    id=statement.id.value,
                    account_id=statement.account_id.value,
                    period=str(statement.period),
                    currency=statement.currency,
                    total=statement.total.amount,
                    paid=statement.paid.amount,
                    due=statement.due,
                    unit=holder.unit,
                    holder=holder.name,
                )
            )
        return rows


# --- staff appraisal -----------------------------------------------------------------------------


class MemoryAppraisals(_MemoryRepository[Appraisal], AppraisalRepository):
    cls = Appraisal

    def of_staff(self, staff: ActorId) -> list[Appraisal]:
        found = self._all(lambda a: a.staff == staff)
        return sorted(found, key=lambda a: (str(a.period), a.id.value))

    def of_period(
        self, period: AppraisalPeriod, department_id: DepartmentId | None = None
    ) -> list[Appraisal]:
        found = self._all(
            lambda a: (
                a.period == period and (department_id is None or a.department_id == department_id)
            )
        )
        return sorted(found, key=lambda a: a.staff.value)


class MemoryDisciplineNotes(_MemoryRepository[DisciplineNote], DisciplineNoteRepository):
    cls = DisciplineNote

    def of_staff(self, staff: ActorId, start: datetime, end: datetime) -> list[DisciplineNote]:
        found = self._all(lambda n: n.staff == staff and start <= n.noted_at < end)
        return sorted(found, key=lambda n: (n.noted_at, n.id.value))


class MemoryAppraisalReports(AppraisalReports):
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self.uow = uow

    def discipline_notes(self, staff: ActorId, start: datetime, end: datetime) -> int:
        return len(self.uow.discipline_notes.of_staff(staff, start, end))

    def hall_items(self, staff: ActorId, start: datetime, end: datetime) -> int:
        with self.uow.store.lock:
            rows = list(self.uow.store.tables.get(MemoryApplications.kind, {}).values())
        kind = MemoryApplications.kind
        concluded = (
            convert.structure(_opened(self.uow.store, kind, d["id"], d), Application).result
            for _v, d in rows
        )
        return sum(1 for r in concluded if r is not None and r.by == staff and start <= r.at < end)


# --- public ratings ------------------------------------------------------------------------------


class MemoryRatings(_MemoryRepository[Rating], RatingRepository):
    """The rating of a service is keyed by the service (``UNIQUE``), as the SQL index keeps it."""

    cls = Rating

    def counts(self, month: Month, staff_id: str | None = None) -> list[RatingCount]:
        Key = tuple[str | None, str | None, str | None, str | None, RatingLevel]
        tally: dict[Key, int] = defaultdict(int)
        for rating in self._all(
            lambda r: r.month == month and (staff_id is None or r.service.staff_id == staff_id)
        ):
            s = rating.service
            tally[s.item_id, s.window_id, s.department_id, s.staff_id, rating.level] += 1
        return [
            RatingCount(*key, count=count)
            for key, count in sorted(
                tally.items(),
                key=lambda kv: tuple((v is not None, "" if v is None else str(v)) for v in kv[0]),
            )
        ]

    def overdue_follow_ups(self, now: datetime) -> list[Rating]:
        found = self._all(lambda r: r.follow_up is not None and r.follow_up.is_overdue(now))
        return sorted(found, key=lambda r: (r.follow_up.due if r.follow_up else now, r.id.value))


# --- enquiries -----------------------------------------------------------------------------------


class MemoryEnquiries(_MemoryRepository[Enquiry], EnquiryRepository):
    cls = Enquiry

    def list_overdue(self, now: datetime) -> list[Enquiry]:
        due = self._all(lambda e: _before(e.open_due, now))
        return sorted(due, key=lambda e: (e.taken_at, e.id.value))


# --- staff files ---------------------------------------------------------------------------------


class MemoryStaffFiles(_MemoryRepository[StaffFile], StaffFileRepository):
    cls = StaffFile

    def list(self) -> list[StaffFile]:
        return sorted(self._all(), key=lambda f: f.id.value)

    def has_roster(self) -> bool:
        with self.store.lock:
            rows = list(self.store.tables.get(self.kind, {}).values())
        return any(document["shifts"] for _version, document in rows)


class MemoryItemRequirements(_MemoryRepository[ItemRequirement], ItemRequirementRepository):
    cls = ItemRequirement

    def with_roster(self, item_id: ItemId) -> tuple[ItemRequirement | None, bool]:
        return self.find(item_id), MemoryStaffFiles(self.store).has_roster()
