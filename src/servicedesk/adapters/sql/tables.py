"""The schema: one table per aggregate, the event log, idempotency keys.

Every aggregate table has the same three core columns: ``id``, ``version``
(optimistic concurrency) and ``document`` (the converter's plain data, the one
source of truth the aggregate is rebuilt from).  Next to them sit PROJECTION
columns: copies of what queries filter and sort on, each declared with the
function that computes it from the aggregate (``project(...)``), written on
every save and indexed.  A query such as "overdue requests" is then one
indexed ``SELECT``, while the document keeps the aggregate's full shape
without a column per attribute (see docs/stores.md for why).

Adding an aggregate is declaring its table here with ``aggregate_table`` (and
an Alembic revision), its repository in ``repositories.py`` and its line in
``SqlUnitOfWork`` (``store.py``): saving, loading, versions and the event log
come with it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import attrs
import sqlalchemy as sa

from servicedesk import convert
from servicedesk.adapters.sql.types import Document, Fen, Key, Serial, UtcDateTime
from servicedesk.app.billing.lists import ACCOUNTS, PAYMENTS, RECEIPTS, STATEMENTS
from servicedesk.app.complaints.lists import CALLBACKS, COMPLAINTS
from servicedesk.app.enquiries.lists import ENQUIRIES
from servicedesk.app.requests.lists import REQUESTS, WORKERS
from servicedesk.domain.accounts import Account
from servicedesk.domain.agreements import Agreement
from servicedesk.domain.appraisal import Appraisal, DisciplineNote
from servicedesk.domain.billing import BillingMode
from servicedesk.domain.callbacks import Callback, CallbackPlan
from servicedesk.domain.catalogue import ServiceItem
from servicedesk.domain.charges import Charge
from servicedesk.domain.complaints import Complaint
from servicedesk.domain.costs import Cost
from servicedesk.domain.enquiries import Enquiry
from servicedesk.domain.hall import Department, ServiceGuide, Window
from servicedesk.domain.hall_cases import Application
from servicedesk.domain.hall_queue import HallQueue
from servicedesk.domain.invoices import Invoice, ReceiptBook
from servicedesk.domain.lost_found import FoundItem
from servicedesk.domain.payments import Payment, Receipt, SeriesCounter
from servicedesk.domain.privacy import ERASED, ERASED_PHONE, subject_key
from servicedesk.domain.ratings import Rating
from servicedesk.domain.requests import ServiceRequest, Status
from servicedesk.domain.retention import RecordFile
from servicedesk.domain.staff import ItemRequirement, StaffFile
from servicedesk.domain.statements import Statement
from servicedesk.domain.workers import Worker

#: Constraint names are fixed, so that migrations can name them on every database.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Projection = Callable[[Any], Any]
END_OF_TIME = datetime.max.replace(tzinfo=UTC)


def project(function: Projection) -> dict[str, Projection]:
    """Column ``info`` marking a projection: ``function(aggregate)`` is its value."""
    return {"project": function}


def personal_projection(function: Projection, erased: Any) -> dict[str, Any]:
    """A projection of personal data: ``erased`` is its value once the record is anonymised.

    The bulk purge patches documents without loading them, so it sets these
    columns to what the anonymised aggregate projects.
    """
    return {"project": function, "erased": erased}


def erased_values(table: sa.Table) -> dict[str, Any]:
    """The personal projection columns of ``table`` and their values once anonymised."""
    return {
        column.name: column.info["erased"] for column in table.columns if "erased" in column.info
    }


@attrs.frozen
class AggregateTable:
    """How one aggregate kind is stored: its class, its table, and what its document leaves out."""

    cls: type[Any]  # what the ``document`` column holds, e.g. ServiceRequest
    table: sa.Table
    #: Fields the document leaves out because a column of the same name holds them
    #: (a charge's statement, which the statement that bills it sets): read back from it.
    in_columns: tuple[str, ...] = ()
    #: Fields the document leaves out because the creating event holds them, never to
    #: change (a statement's lines): read back from that event.
    in_creation: tuple[str, ...] = ()

    def projections(self, aggregate: Any) -> dict[str, Any]:
        return {name: function(aggregate) for name, function in _projectors(self.table)}

    def document(self, aggregate: Any) -> dict[str, Any]:
        """The aggregate's document as stored: without what is kept elsewhere."""
        data: dict[str, Any] = convert.unstructure(aggregate)
        for name in (*self.in_columns, *self.in_creation):
            del data[name]
        return data

    def loaded(self, row: Any) -> dict[str, Any]:
        """The whole document of ``row`` (its document and ``in_columns``), creation aside."""
        if not self.in_columns:
            return dict(row.document)
        return {**row.document, **{name: getattr(row, name) for name in self.in_columns}}


@functools.cache
def _projectors(table: sa.Table) -> tuple[tuple[str, Projection], ...]:
    """The projection columns of ``table`` and their functions, found once per table."""
    return tuple(
        (column.name, column.info["project"])
        for column in table.columns
        if "project" in column.info
    )


def aggregate_table(
    name: str,
    *,
    cls: type[Any],
    columns: tuple[sa.Column[Any], ...] = (),
    indexes: tuple[sa.Index | sa.Constraint, ...] = (),
    in_columns: tuple[str, ...] = (),
    in_creation: tuple[str, ...] = (),
) -> AggregateTable:
    """Declare the table of an aggregate: core columns, projections, indexes.

    ``indexes`` may hold unique indexes and constraints too.  A uniqueness that
    holds only for some rows (one *open* account per unit) is a projection that
    is NULL for the other rows, with a unique index: every database lets NULLs
    repeat, and none needs partial indexes for it.
    """
    table = sa.Table(
        name,
        metadata,
        sa.Column("id", Key(), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", Document(), nullable=False),
        *columns,
        *indexes,
    )
    return AggregateTable(cls, table, in_columns, in_creation)


# --- the event log and idempotency keys ----------------------------------------------------------

events = sa.Table(
    "events",
    metadata,
    sa.Column("seq", Serial(), primary_key=True, autoincrement=True),
    sa.Column("stream", sa.String(32), nullable=False),  # the repository's kind
    sa.Column("aggregate_id", Key(), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),  # the aggregate version it produced
    sa.Column("type", sa.String(100), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("document", Document(), nullable=False),
    # the mark of the unit of work that wrote it, which its audit record names
    sa.Column("entry", sa.BigInteger, nullable=True),
    sa.Index(None, "stream", "aggregate_id", "seq"),
    sa.Index(None, "entry", "seq"),  # a record's events in order: verify and the feed
    sa.Index(None, "at"),
    sa.Index(None, "stream", "type", "at"),  # e.g. requests accepted in a month
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("key", Key(), primary_key=True),
    sa.Column("command", sa.String(100), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),  # sha-256 of the command
    sa.Column("outcome", Document(), nullable=False),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
)


# --- aggregates ----------------------------------------------------------------------------------


def _pending_deadline(request: ServiceRequest) -> Any:
    """When the request becomes overdue; NULL once its milestone is reached or it ended."""
    deadline = request.deadline
    if deadline is None or not request.is_open:
        return None
    # Asking the aggregate about the end of time tells whether the milestone is
    # still pending, without repeating its rule here.
    return deadline.due if request.is_overdue(END_OF_TIME) else None


items = aggregate_table(
    "service_items",
    cls=ServiceItem,
    columns=(
        sa.Column("name", sa.String(100), nullable=False, info=project(lambda i: i.name)),
        sa.Column("category", sa.String(50), nullable=False, info=project(lambda i: i.category)),
        sa.Column("status", sa.String(20), nullable=False, info=project(lambda i: i.status.value)),
    ),
    indexes=(sa.Index(None, "name"), sa.Index(None, "status", "category")),
)

requests = aggregate_table(
    "service_requests",
    cls=ServiceRequest,
    columns=(
        sa.Column("status", sa.String(20), nullable=False, info=project(lambda r: r.status.value)),
        sa.Column("is_open", sa.Boolean, nullable=False, info=project(lambda r: r.is_open)),
        sa.Column(
            "registered_at", UtcDateTime(), nullable=True, info=project(lambda r: r.registered_at)
        ),
        sa.Column(
            "item_id",
            Key(),
            nullable=True,
            info=project(lambda r: r.item_id.value if r.item_id else None),
        ),
        sa.Column(
            "worker_id",
            Key(),
            nullable=True,
            info=project(lambda r: r.worker_id.value if r.worker_id else None),
        ),
        sa.Column(
            "dispatch_due",
            UtcDateTime(),
            nullable=True,
            info=project(lambda r: r.dispatch_due if r.status is Status.TRIAGED else None),
        ),
        sa.Column("deadline_due", UtcDateTime(), nullable=True, info=project(_pending_deadline)),
        sa.Column(
            "price",
            Fen(),
            nullable=True,
            info=project(lambda r: r.price.amount if r.price else None),
        ),
        # Added by revision 0002, hence last (a column added to a table goes at its end).
        sa.Column(
            "escalation_due",
            UtcDateTime(),
            nullable=True,
            info=project(lambda r: r.next_escalation_at),
        ),
        # Added by revision 0010: what the paged request lists filter on (``REQUESTS``).
        sa.Column(
            "channel", sa.String(20), nullable=True, info=project(REQUESTS.fields["channel"])
        ),
        sa.Column(
            "urgency", sa.String(20), nullable=True, info=project(REQUESTS.fields["urgency"])
        ),
        sa.Column(
            "unit",
            Key(),
            nullable=True,
            info=personal_projection(REQUESTS.fields["unit"], ERASED),
        ),
        sa.Column(
            "requester_key",
            sa.String(64),
            nullable=True,
            info=personal_projection(REQUESTS.fields["requester_key"], subject_key(ERASED_PHONE)),
        ),
    ),
    indexes=(
        sa.Index(None, "is_open", "registered_at", "id"),
        sa.Index(None, "dispatch_due"),
        sa.Index(None, "deadline_due"),
        sa.Index(None, "worker_id", "is_open"),
        sa.Index(None, "item_id"),
        sa.Index(None, "escalation_due"),
        sa.Index(None, "unit", "registered_at", "id"),
        sa.Index(None, "requester_key", "registered_at", "id"),
        # Each list's sort key ends with the id, so that a page is read off the index in
        # order, ties included, without sorting.
        sa.Index(None, "status", "registered_at", "id"),
        sa.Index(None, "worker_id", "registered_at", "id"),
        sa.Index(None, "registered_at", "id"),
    ),
)

workers = aggregate_table(
    "workers",
    cls=Worker,
    columns=(
        sa.Column("available", sa.Boolean, nullable=False, info=project(lambda w: w.available)),
        # Added by revision 0010: what the workers list filters on (``WORKERS``).
        sa.Column("skills", sa.String(1000), nullable=True, info=project(WORKERS.fields["skills"])),
    ),
    indexes=(sa.Index(None, "available"),),
)


# --- billing -------------------------------------------------------------------------------------


def _id(value: Any) -> str | None:
    """The text of an optional typed id, for a ``Key`` column."""
    return None if value is None else str(value.value)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _billable_at(charge: Charge) -> datetime | None:
    """When a charge became billable; NULL once billed, or if it never will be."""
    if (
        charge.is_confirmed
        and charge.mode is BillingMode.ON_ACCOUNT
        and charge.statement_id is None
    ):
        return charge.confirmed_at
    return None


def _audited_at(charge: Charge) -> datetime | None:
    """When a billable charge was audited; NULL once billed, if not billable or not audited.

    Beside ``billable_at``, it is what the close that waits for the audit selects on
    (rule billing.audit-before-statement).
    """
    return charge.audited_at if _billable_at(charge) is not None else None


accounts = aggregate_table(
    "accounts",
    cls=Account,
    columns=(
        sa.Column("kind", sa.String(20), nullable=False, info=project(lambda a: a.kind.value)),
        # The unit while the account is open, NULL once closed: the unique index below then
        # allows one OPEN account per (unit, kind) and any number of closed ones.
        sa.Column(
            "open_unit",
            sa.String(100),
            nullable=True,
            info=project(lambda a: a.unit if a.is_open else None),
        ),
        # Added by revision 0010: what the paged account lists filter on (``ACCOUNTS``).
        sa.Column(
            "unit", Key(), nullable=True, info=personal_projection(ACCOUNTS.fields["unit"], ERASED)
        ),
        sa.Column(
            "holder",
            sa.String(100),
            nullable=True,
            info=personal_projection(ACCOUNTS.fields["holder"], ERASED),
        ),
        sa.Column("status", sa.String(10), nullable=True, info=project(ACCOUNTS.fields["status"])),
        sa.Column("balance", Fen(), nullable=True, info=project(ACCOUNTS.fields["balance"])),
        sa.Column(
            "currency", sa.String(3), nullable=True, info=project(ACCOUNTS.fields["currency"])
        ),
        sa.Column(
            "opened_at", UtcDateTime(), nullable=True, info=project(ACCOUNTS.fields["opened_at"])
        ),
    ),
    indexes=(
        sa.Index(None, "open_unit", "kind", unique=True),
        sa.Index(None, "unit", "id"),
        sa.Index(None, "kind", "id"),
        sa.Index(None, "balance"),
    ),
)

charges = aggregate_table(
    "charges",
    cls=Charge,
    columns=(
        sa.Column("account_id", Key(), nullable=True, info=project(lambda c: _id(c.account_id))),
        sa.Column("request_id", Key(), nullable=True, info=project(lambda c: _id(c.request_id))),
        sa.Column(
            "confirmed_at",
            UtcDateTime(),
            nullable=True,
            info=project(lambda c: c.confirmed_at if c.is_confirmed else None),
        ),
        sa.Column("billable_at", UtcDateTime(), nullable=True, info=project(_billable_at)),
        sa.Column(
            "statement_id", Key(), nullable=True, info=project(lambda c: _id(c.statement_id))
        ),
        # Added by revision 0005: what the month close sums into a statement's total.
        sa.Column(
            "amount",
            Fen(),
            nullable=True,
            info=project(lambda c: c.total.amount if c.total is not None else None),
        ),
        # Added by revision 0015: the billable charges' audit, for the close.
        sa.Column("audited_at", UtcDateTime(), nullable=True, info=project(_audited_at)),
    ),
    indexes=(
        sa.Index(None, "request_id"),
        sa.Index(None, "account_id", "billable_at"),  # an account's charges, and its billable
        sa.Index(None, "confirmed_at"),
        sa.Index(None, "statement_id"),
        sa.Index(None, "account_id", "audited_at"),  # an account's audited billable charges
    ),
    # The statement that bills the charge sets it: one column, no copy in the document.
    in_columns=("statement_id",),
)


statements = aggregate_table(
    "statements",
    cls=Statement,
    columns=(
        sa.Column("account_id", Key(), nullable=False, info=project(lambda s: _id(s.account_id))),
        sa.Column("period", sa.String(7), nullable=False, info=project(lambda s: _text(s.period))),
        # Added by revision 0005: a credit to carry is what sends an account's month close
        # through the domain instead of the bulk statements.
        sa.Column("status", sa.String(10), nullable=True, info=project(lambda s: s.status.value)),
        # Added by revision 0010: what the paged statement lists show and filter on
        # (``STATEMENTS``); the bulk month close writes them too.
        sa.Column("total", Fen(), nullable=True, info=project(STATEMENTS.fields["total"])),
        sa.Column(
            "currency", sa.String(3), nullable=True, info=project(STATEMENTS.fields["currency"])
        ),
        sa.Column("due", UtcDateTime(), nullable=True, info=project(STATEMENTS.fields["due"])),
        sa.Column(
            "open_due", UtcDateTime(), nullable=True, info=project(STATEMENTS.fields["open_due"])
        ),
        # Added by revision 0019: what is paid, for the overdue statements' report.
        sa.Column("paid", Fen(), nullable=True, info=project(STATEMENTS.fields["paid"])),
    ),
    # One statement per account and period, whatever its id says.
    indexes=(
        sa.Index(None, "account_id", "period", unique=True),
        sa.Index(None, "status", "account_id"),
        sa.Index(None, "period", "id"),
        sa.Index(None, "open_due"),
    ),
    # The lines are the StatementIssued event's, which the audit record pins.
    in_creation=("lines",),
)


agreements = aggregate_table(
    "agreements",
    cls=Agreement,
    columns=(
        sa.Column("account_id", Key(), nullable=True, info=project(lambda a: _id(a.account_id))),
    ),
    indexes=(sa.Index(None, "account_id"),),
)

payments = aggregate_table(
    "payments",
    cls=Payment,
    columns=(
        sa.Column("account_id", Key(), nullable=True, info=project(lambda p: _id(p.account_id))),
        sa.Column("paid_at", UtcDateTime(), nullable=True, info=project(lambda p: p.at)),
        # Added by revision 0010: what the paged payment lists show (``PAYMENTS``).
        sa.Column("amount", Fen(), nullable=True, info=project(PAYMENTS.fields["amount"])),
        sa.Column(
            "currency", sa.String(3), nullable=True, info=project(PAYMENTS.fields["currency"])
        ),
        sa.Column(
            "purpose", sa.String(20), nullable=True, info=project(PAYMENTS.fields["purpose"])
        ),
        sa.Column("receipt_id", Key(), nullable=True, info=project(PAYMENTS.fields["receipt_id"])),
        sa.Column("voided", sa.Boolean, nullable=True, info=project(PAYMENTS.fields["voided"])),
    ),
    indexes=(sa.Index(None, "account_id", "paid_at"), sa.Index(None, "paid_at", "id")),
)

receipts = aggregate_table(
    "receipts",
    cls=Receipt,
    columns=(
        sa.Column("series", Key(), nullable=False, info=project(lambda r: _id(r.series))),
        sa.Column("number", sa.Integer, nullable=False, info=project(lambda r: r.number)),
        # Added by revision 0010: what the paged receipt lists show (``RECEIPTS``).
        sa.Column("account_id", Key(), nullable=True, info=project(RECEIPTS.fields["account_id"])),
        sa.Column("amount", Fen(), nullable=True, info=project(RECEIPTS.fields["amount"])),
        sa.Column(
            "currency", sa.String(3), nullable=True, info=project(RECEIPTS.fields["currency"])
        ),
        sa.Column(
            "issued_at", UtcDateTime(), nullable=True, info=project(RECEIPTS.fields["issued_at"])
        ),
        sa.Column("voided", sa.Boolean, nullable=True, info=project(RECEIPTS.fields["voided"])),
    ),
    indexes=(
        sa.Index(None, "series", "number", unique=True),
        sa.Index(None, "issued_at", "id"),
        sa.Index(None, "series", "issued_at", "id"),
    ),
)

counters = aggregate_table("counters", cls=SeriesCounter)

invoices = aggregate_table(
    "invoices",
    cls=Invoice,
    columns=(
        sa.Column("request_id", Key(), nullable=True, info=project(lambda i: _id(i.request_id))),
        sa.Column(
            "requested_at", UtcDateTime(), nullable=True, info=project(lambda i: i.requested_at)
        ),
        # The deadline while the invoice is not delivered: what "overdue" searches.
        sa.Column(
            "undelivered_due",
            UtcDateTime(),
            nullable=True,
            info=project(lambda i: i.deadline if i.delivered_at is None else None),
        ),
    ),
    indexes=(sa.Index(None, "request_id", "requested_at"), sa.Index(None, "undelivered_due")),
)

receipt_books = aggregate_table("receipt_books", cls=ReceiptBook)

costs = aggregate_table(
    "costs",
    cls=Cost,
    columns=(sa.Column("recorded_at", UtcDateTime(), nullable=True, info=project(lambda c: c.at)),),
    indexes=(sa.Index(None, "recorded_at"),),
)


# --- complaints, escalation and callbacks --------------------------------------------------------


def _clock(complaint: Complaint, what: str) -> str | None:
    """The running clock's kind, or its start or due time as its document spells it."""
    clock = complaint.clock
    if clock is None:
        return None
    return clock.kind.value if what == "kind" else str(convert.unstructure(getattr(clock, what)))


complaints = aggregate_table(
    "complaints",
    cls=Complaint,
    columns=(
        sa.Column("is_open", sa.Boolean, nullable=False, info=project(lambda c: c.is_open)),
        sa.Column("filed_at", UtcDateTime(), nullable=True, info=project(lambda c: c.filed_at)),
        sa.Column(
            "escalation_due",
            UtcDateTime(),
            nullable=True,
            info=project(lambda c: c.next_escalation_at),
        ),
        # Added by revision 0004: what decides a complaint's next escalation step, so that
        # the sweep groups the complaints due in SQL and asks the policy once per group.
        sa.Column("category", sa.String(50), nullable=True, info=project(lambda c: c.category)),
        sa.Column("urgency", sa.String(20), nullable=True, info=project(lambda c: c.urgency.value)),
        sa.Column(
            "escalation_level",
            sa.Integer,
            nullable=True,
            info=project(lambda c: len(c.escalations)),
        ),
        sa.Column(
            "clock_kind", sa.String(20), nullable=True, info=project(lambda c: _clock(c, "kind"))
        ),
        sa.Column(
            "clock_breached",
            sa.Boolean,
            nullable=True,
            info=project(lambda c: c.clock_breached),
        ),
        # The running clock's times as ISO 8601 text with the offset it was set in, exactly
        # as in the document: the sweep copies them into the breach and escalation it
        # writes.  Text, for copying; ``escalation_due`` is the instant to compare.
        sa.Column(
            "clock_started_iso",
            sa.String(40),
            nullable=True,
            info=project(lambda c: _clock(c, "started_at")),
        ),
        sa.Column(
            "clock_due_iso", sa.String(40), nullable=True, info=project(lambda c: _clock(c, "due"))
        ),
        # Added by revision 0010: what the paged complaint lists filter on (``COMPLAINTS``).
        sa.Column(
            "status", sa.String(20), nullable=True, info=project(COMPLAINTS.fields["status"])
        ),
        sa.Column(
            "channel", sa.String(20), nullable=True, info=project(COMPLAINTS.fields["channel"])
        ),
        sa.Column("owner", Key(), nullable=True, info=project(COMPLAINTS.fields["owner"])),
        sa.Column(
            "clock_due", UtcDateTime(), nullable=True, info=project(COMPLAINTS.fields["clock_due"])
        ),
    ),
    indexes=(
        sa.Index(None, "is_open", "filed_at"),
        sa.Index(None, "filed_at"),
        sa.Index(None, "escalation_due"),
        sa.Index(None, "status", "filed_at", "id"),
        sa.Index(None, "filed_at", "id"),
        sa.Index(None, "clock_due"),
    ),
)

callbacks = aggregate_table(
    "callbacks",
    cls=Callback,
    columns=(
        sa.Column("month", sa.String(7), nullable=True, info=project(lambda c: _text(c.month))),
        # Added by revision 0010: what the paged callback lists filter on (``CALLBACKS``).
        sa.Column("status", sa.String(20), nullable=True, info=project(CALLBACKS.fields["status"])),
        sa.Column(
            "next_attempt_at",
            UtcDateTime(),
            nullable=True,
            info=project(CALLBACKS.fields["next_attempt_at"]),
        ),
        sa.Column("request_id", Key(), nullable=True, info=project(CALLBACKS.fields["request_id"])),
        sa.Column(
            "attempts", sa.Integer, nullable=True, info=project(CALLBACKS.fields["attempts"])
        ),
    ),
    indexes=(
        sa.Index(None, "month"),
        sa.Index(None, "status", "id"),
        sa.Index(None, "month", "id"),
        sa.Index(None, "next_attempt_at"),
    ),
)

callback_plans = aggregate_table(
    "callback_plans",
    cls=CallbackPlan,
    columns=(
        sa.Column("month", sa.String(7), nullable=False, info=project(lambda p: _text(p.month))),
    ),
    # One plan per month, whatever its id says.
    indexes=(sa.Index(None, "month", unique=True),),
)


# --- records -------------------------------------------------------------------------------------

#: The audit trail: one row per record.  ``record`` is the record without its hash,
#: ``hash`` its own column, so changing either is what ``verify`` detects.
audit_records = sa.Table(
    "audit_records",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("record", Document(), nullable=False),
    # the record's mark on its events, to find them (the hash covers the one in ``record``)
    sa.Column("entry", sa.BigInteger, nullable=True),
    sa.Index(None, "entry", unique=True),
)

#: The chain's head, one row (``id`` 1): a commit holds it while it chains its record, so
#: that records are numbered in commit order without two commits taking one number.
audit_head = sa.Table(
    "audit_head",
    metadata,
    sa.Column("id", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    # the first event number that must carry a mark: events before it were written unmarked
    sa.Column("events_from", sa.BigInteger, nullable=True),
)

#: How far each relay (``adapters/relay.py``) has published the feed: a position's token.
relay_positions = sa.Table(
    "relay_positions",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("position", sa.String(40), nullable=False),
)

#: The lookup keys of the people a record file names, apart from its events, so that
#: erasing them leaves no trace.
subject_links = sa.Table(
    "subject_links",
    metadata,
    sa.Column("file_id", Key(), primary_key=True),
    sa.Column("subject", sa.String(128), primary_key=True),
    sa.Index(None, "subject"),
)


def _purge_due(record_file: RecordFile) -> datetime | None:
    """``expires_at`` while no hold stops the purge and it has not run; NULL otherwise.

    ``purge_due <= now`` is ``is_due(now)``, and the index on ``(purge_due, id)``
    hands the purge its batch in order without walking the files it anonymised.
    """
    if record_file.holds or record_file.is_erased:
        return None
    return record_file.expires_at


record_files = aggregate_table(
    "record_files",
    cls=RecordFile,
    columns=(
        sa.Column("expires_at", UtcDateTime(), nullable=True, info=project(lambda f: f.expires_at)),
        sa.Column("holds", sa.Integer, nullable=False, info=project(lambda f: len(f.holds))),
        sa.Column("erased_at", UtcDateTime(), nullable=True, info=project(lambda f: f.erased_at)),
        # Added by revision 0003: when the file is due while nothing stops its purge.
        sa.Column("purge_due", UtcDateTime(), nullable=True, info=project(_purge_due)),
    ),
    indexes=(sa.Index(None, "expires_at"), sa.Index(None, "purge_due", "id")),
)

found_items = aggregate_table(
    "found_items",
    cls=FoundItem,
    columns=(
        sa.Column("status", sa.String(20), nullable=False, info=project(lambda i: i.status.value)),
        sa.Column("found_at", UtcDateTime(), nullable=True, info=project(lambda i: i.found_at)),
    ),
    indexes=(sa.Index(None, "status", "found_at"),),
)


# --- the service hall ----------------------------------------------------------------------------

hall_departments = aggregate_table("hall_departments", cls=Department)

hall_windows = aggregate_table("hall_windows", cls=Window)

hall_guides = aggregate_table(
    "hall_guides",
    cls=ServiceGuide,
    columns=(
        sa.Column("status", sa.String(20), nullable=False, info=project(lambda g: g.status.value)),
    ),
    indexes=(sa.Index(None, "status"),),
)

#: One row per day: every take and call of the day holds it, so numbers are handed out and
#: called one at a time (rule hall.queue-no-number-lost).
hall_queues = aggregate_table(
    "hall_queues",
    cls=HallQueue,
    columns=(
        sa.Column("day", sa.String(10), nullable=False, info=project(lambda q: q.day.isoformat())),
    ),
    indexes=(sa.Index(None, "day", unique=True),),
)

hall_applications = aggregate_table(
    "hall_applications",
    cls=Application,
    columns=(
        sa.Column("is_open", sa.Boolean, nullable=False, info=project(lambda a: a.is_open)),
        sa.Column(
            "received_at", UtcDateTime(), nullable=False, info=project(lambda a: a.received_at)
        ),
        sa.Column("item_id", Key(), nullable=False, info=project(lambda a: a.item_id.value)),
        sa.Column(
            "escalation_due", UtcDateTime(), nullable=True, info=project(lambda a: a.next_due)
        ),
    ),
    indexes=(
        sa.Index(None, "is_open", "received_at"),
        sa.Index(None, "item_id"),
        sa.Index(None, "escalation_due"),
    ),
)


# --- staff appraisal -----------------------------------------------------------------------------

#: One appraisal per person and period: the id is ``<staff>:<period>``.
appraisals = aggregate_table(
    "appraisals",
    cls=Appraisal,
    columns=(
        sa.Column("staff", Key(), nullable=False, info=project(lambda a: a.staff.value)),
        sa.Column("period", sa.String(7), nullable=False, info=project(lambda a: str(a.period))),
        sa.Column(
            "department_id",
            Key(),
            nullable=True,
            info=project(lambda a: None if a.department_id is None else a.department_id.value),
        ),
    ),
    indexes=(sa.Index(None, "staff", "period"), sa.Index(None, "period", "department_id")),
)

discipline_notes = aggregate_table(
    "discipline_notes",
    cls=DisciplineNote,
    columns=(
        sa.Column("staff", Key(), nullable=False, info=project(lambda n: n.staff.value)),
        sa.Column("noted_at", UtcDateTime(), nullable=False, info=project(lambda n: n.noted_at)),
    ),
    indexes=(sa.Index(None, "staff", "noted_at"),),
)


# --- public ratings ------------------------------------------------------------------------------


def _open_follow_up_due(rating: Rating) -> datetime | None:
    follow_up = rating.follow_up
    return follow_up.due if follow_up is not None and follow_up.is_open else None


#: One rating per service: the unique key on the service refuses a second whatever its id
#: (rule ratings.once-per-service); the month and its keys are what the figures group by.
ratings = aggregate_table(
    "ratings",
    cls=Rating,
    columns=(
        sa.Column(
            "service_kind",
            sa.String(20),
            nullable=False,
            info=project(lambda r: r.service.kind.value),
        ),
        sa.Column(
            "service_id", Key(), nullable=False, info=project(lambda r: r.service.service_id)
        ),
        sa.Column("month", sa.String(7), nullable=False, info=project(lambda r: str(r.month))),
        sa.Column("level", sa.String(20), nullable=False, info=project(lambda r: r.level.value)),
        sa.Column("item_id", Key(), nullable=True, info=project(lambda r: r.service.item_id)),
        sa.Column("window_id", Key(), nullable=True, info=project(lambda r: r.service.window_id)),
        sa.Column(
            "department_id", Key(), nullable=True, info=project(lambda r: r.service.department_id)
        ),
        sa.Column("staff_id", Key(), nullable=True, info=project(lambda r: r.service.staff_id)),
        sa.Column("follow_up_due", UtcDateTime(), nullable=True, info=project(_open_follow_up_due)),
    ),
    indexes=(
        sa.Index(None, "service_kind", "service_id", unique=True),
        sa.Index(None, "month", "staff_id"),
        sa.Index(None, "follow_up_due"),
    ),
)


# --- enquiries -----------------------------------------------------------------------------------

#: Added by revision 0014: consultations and suggestions, with what their lists filter on
#: (``ENQUIRIES``); ``open_due`` is NULL once answered or referred, so the overdue search
#: reads open ones only.
enquiries = aggregate_table(
    "enquiries",
    cls=Enquiry,
    columns=(
        sa.Column(
            "status", sa.String(20), nullable=False, info=project(ENQUIRIES.fields["status"])
        ),
        sa.Column(
            "enquiry_kind",
            sa.String(20),
            nullable=False,
            info=project(ENQUIRIES.fields["enquiry_kind"]),
        ),
        sa.Column(
            "channel", sa.String(20), nullable=False, info=project(ENQUIRIES.fields["channel"])
        ),
        sa.Column("owner", Key(), nullable=False, info=project(ENQUIRIES.fields["owner"])),
        sa.Column(
            "taken_at", UtcDateTime(), nullable=False, info=project(ENQUIRIES.fields["taken_at"])
        ),
        sa.Column(
            "open_due", UtcDateTime(), nullable=True, info=project(ENQUIRIES.fields["open_due"])
        ),
    ),
    indexes=(
        sa.Index(None, "taken_at", "id"),
        sa.Index(None, "status", "taken_at", "id"),
        sa.Index(None, "owner", "taken_at", "id"),
        sa.Index(None, "open_due"),
    ),
)


# --- staff files ---------------------------------------------------------------------------------

#: ``rostered``: whether the file holds any shift, so that "is there a roster at all" is one
#: indexed lookup (rule staff.no-roster).
staff_files = aggregate_table(
    "staff_files",
    cls=StaffFile,
    columns=(
        sa.Column("rostered", sa.Boolean, nullable=False, info=project(lambda f: f.rostered)),
    ),
    indexes=(sa.Index(None, "rostered"),),
)

item_requirements = aggregate_table("item_requirements", cls=ItemRequirement)

#: The key each record file's personal data is sealed under (``adapters/sealing.py``);
#: ``key`` NULL once forgotten, so that nothing is sealed for the file again.
subject_keys = sa.Table(
    "subject_keys",
    metadata,
    sa.Column("file_id", Key(), primary_key=True),
    sa.Column("key", sa.LargeBinary(), nullable=True),  # 32 bytes; a bare BLOB on every server
)
