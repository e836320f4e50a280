"""The month close in bulk: the statements of plain accounts in a few set-based statements.

``CloseMonth`` asks the statement repository to issue what it can
(``StatementRepository.issue_in_bulk``).  Here that is every account billed
monthly with billable charges and nothing that needs the domain; for those the
database, in the close's own transaction:

1. notes the accounts in a temporary table (``close_run``), one indexed pass over
   the billable charges;
2. links the billable charges to their statements with one ``UPDATE`` (the
   charge's ``statement_id`` column, which is the link; ``billable_at`` and
   ``audited_at`` cleared, the version moved so that a save from before the close
   conflicts);
3. inserts the statements with one ``INSERT ... SELECT ... GROUP BY`` of the charges
   just linked, the total summed in integer fen;
4. appends a ``StatementIssued`` event per statement: the lines, in the domain's
   order (confirmed first, then by id), are stored there and only there.

A charge gets no event and no document rewrite: the statement's event names it,
and its column says which statement it is on.  Documents and events are built by
the database's JSON functions (``json_values``) field by field as
``servicedesk.convert`` writes them, so loading them gives exactly what the
domain path would have stored.  What the audit record of the command names the
events recorded in Python (the domain path's) one by one, and the bulk events by
their count and one digest.

In batches (``limit``), a unit of work takes the accounts after the last one the
run closed (``after``) up to the account of the ``limit``-th billable charge by
account id, found on the ``(account_id, billable_at)`` index, or the
``(account_id, audited_at)`` one when only audited charges are billed (rule
billing.audit-before-statement); every statement
above is confined to that span, so a batch reads and writes its own accounts
only.  What makes a rerun exact makes a batch safe to repeat: an account with a
statement for the period is no candidate, a billed charge is no longer billable,
and the database keeps one statement per account and period.

Left to the domain, in the same unit of work, are the accounts that need it:
an account with a service agreement (its fees, visits and billing are domain
rules), an account with a statement in credit (the credit is carried into the
new statement), and, if the policy's due date is not after now or the line text
cannot be split around the request id, every account (the domain then refuses or
writes it).  Charges keep their account's currency by construction (an account
never changes currency and a charge takes its account's), which is why the
currency is not checked charge by charge here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from servicedesk import convert
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.bulk import json_values as j
from servicedesk.adapters.sql.transaction import SqlTransaction
from servicedesk.adapters.sql.types import Key, UtcDateTime
from servicedesk.app.audit import event_ref
from servicedesk.app.billing.ports import BulkIssue, MonthClose
from servicedesk.app.unit_of_work import Written
from servicedesk.domain.audit import EventTally
from servicedesk.domain.audit import digest as data_digest
from servicedesk.domain.billing import AccountId, BillingMode
from servicedesk.domain.events import Event
from servicedesk.domain.statements import StatementLineKind, StatementStatus

#: Marks where the request id goes in the charge line's text.
_MARK = "\x00request\x00"

#: The accounts this run closes, per connection and only while the close runs.
close_run = sa.Table(
    "close_run",
    sa.MetaData(),
    sa.Column("account_id", Key(), primary_key=True),
    sa.Column("statement_id", sa.String(200), nullable=False),
    sa.Column("currency", sa.String(10), nullable=True),
    sa.Column("bulk", sa.Boolean, nullable=False),  # closed here, or left to the domain
    prefixes=["TEMPORARY"],
)


def _drop_run(uow: SqlTransaction) -> None:
    # MySQL commits the transaction on a DROP TABLE, but not on a DROP TEMPORARY TABLE.
    temporary = "TEMPORARY " if uow.store.engine.dialect.name in j.MYSQL else ""
    uow.execute(sa.text(f"DROP {temporary}TABLE IF EXISTS close_run"))


def _line_text(close: MonthClose) -> tuple[str, str] | None:
    """The charge line's text before and after the request id, if it is written once."""
    parts = close.charge_description.format(id=_MARK).split(_MARK)
    return (parts[0], parts[1]) if len(parts) == 2 else None


def issue_in_bulk(
    uow: SqlTransaction, close: MonthClose, *, after: AccountId | None, limit: int | None
) -> BulkIssue | None:
    """Issue the plain accounts' statements of the batch; the accounts left for the domain."""
    text = _line_text(close)
    if text is None or close.due <= close.at:
        return None
    charges, statements, accounts = t.charges.table, t.statements.table, t.accounts.table
    c, s, a, r = charges.c, statements.c, accounts.c, close_run.c
    period = str(close.period)
    at = sa.bindparam("at", close.at, type_=UtcDateTime())
    at_text = j.text(convert.unstructure(close.at))
    cutoff = sa.bindparam("cutoff", close.cutoff, type_=UtcDateTime())
    billable = c.billable_at < cutoff
    if close.audited:  # only what the assistant audited by the cut-off (the domain's filter)
        billable = sa.and_(billable, c.audited_at < cutoff)
    last = None if limit is None else _last_of_batch(uow, billable, after, limit)
    agreements = t.agreements.table.c

    def in_batch(account: sa.ColumnElement[Any]) -> list[sa.ColumnElement[bool]]:
        bounds = [] if after is None else [account > after.value]
        return bounds if last is None else [*bounds, account <= last.value]

    _drop_run(uow)
    uow.execute(sa.schema.CreateTable(close_run))
    # 1. the accounts to close: with billable charges or an agreement, and no statement yet;
    # in bulk those billed monthly without an agreement or a credit to carry
    this_period = sa.select(s.id).where(s.account_id == a.id, s.period == period)
    in_credit = sa.select(s.id).where(
        s.status == StatementStatus.CREDIT.value, s.account_id == a.id
    )
    with_agreement = sa.select(agreements.id).where(agreements.account_id == a.id)
    bulk = sa.and_(
        j.json_text(a.document, "mode") == BillingMode.ON_ACCOUNT.value,
        ~in_credit.exists(),
        ~with_agreement.exists(),
    )
    candidates = sa.union(
        sa.select(c.account_id).where(billable, *in_batch(c.account_id)),
        sa.select(agreements.account_id).where(
            agreements.account_id.is_not(None), *in_batch(agreements.account_id)
        ),
    )
    uow.execute(
        sa.insert(close_run).from_select(
            ["account_id", "statement_id", "currency", "bulk"],
            sa.select(
                a.id,
                a.id + f":{period}",
                j.json_text(a.document, "currency"),
                sa.case((bulk, sa.true()), else_=sa.false()),
            ).where(a.id.in_(candidates), ~this_period.exists()),
        )
    )
    left = sa.select(r.account_id).where(r.bulk == sa.false()).order_by(r.account_id)
    to_domain = [AccountId(row.account_id) for row in uow.execute(left)]
    # 2. the charges linked to their statements (MySQL assigns left to right)
    in_bulk = sa.select(r.account_id).where(r.bulk == sa.true())
    uow.execute(
        sa.update(charges)
        .where(billable, c.account_id.in_(in_bulk))
        .ordered_values(
            (c.statement_id, c.account_id + f":{period}"),
            (c.billable_at, None),
            (c.audited_at, None),
            (c.version, c.version + 1),
        )
    )
    # 3. the statements, the total in fen
    uow.execute(_insert_statements(close))
    # 4. a StatementIssued event per statement, with its lines
    statement_events = (
        sa.select(
            sa.literal("statement"),
            s.id,
            sa.literal(1),
            sa.literal("StatementIssued"),
            at,
            j.json_object(
                {
                    "type": j.text("StatementIssued"),
                    "at": at_text,
                    "statement_id": s.id,
                    "account_id": s.account_id,
                    "period": j.json_get(s.document, "period"),
                    "currency": r.currency,
                    "lines": j.json_parsed(
                        _lines(s.id, r.currency, text, uow.store.engine.dialect.name)
                    ),
                    "total": j.json_get(s.document, "total"),
                    "due": j.text(convert.unstructure(close.due)),
                }
            ),
            sa.literal(uow.entry, sa.BigInteger()),
        )
        .join_from(statements, close_run, sa.and_(s.id == r.statement_id, r.bulk == sa.true()))
        .order_by(s.id)
    )
    uow.execute(_insert_events(statement_events))
    _drop_run(uow)
    if tallies := _tallies(uow):
        uow.written.append(Written((), tallies=tallies))
        billed_rows = sum(tally.count for tally in tallies)
        uow.wrote_in_bulk(billed_rows, "charges", "statements", "events")
    return BulkIssue(to_domain, last)


def _last_of_batch(
    uow: SqlTransaction, billable: sa.ColumnElement[bool], after: AccountId | None, limit: int
) -> AccountId | None:
    """The account of the ``limit``-th billable charge after ``after``; None if fewer are left."""
    c = t.charges.table.c
    query = sa.select(c.account_id).where(billable, c.account_id.is_not(None))
    if after is not None:
        query = query.where(c.account_id > after.value)
    found = uow.execute(query.order_by(c.account_id).offset(limit - 1).limit(1)).scalar()
    return None if found is None else AccountId(found)


def _insert_events(rows: sa.Select[Any]) -> sa.Insert:
    columns = ["stream", "aggregate_id", "version", "type", "at", "document", "entry"]
    return sa.insert(t.events).from_select(columns, rows)


def _tallies(uow: SqlTransaction) -> list[EventTally]:
    """The count and digest of the events this close wrote in SQL, for its record.

    Found by the transaction's mark (only the bulk steps have written events yet),
    in the log's order, streamed: one ``StatementIssued`` per statement.  Built by
    one SQL expression as ``servicedesk.convert`` writes an event, each document is
    already the plain data ``event_ref`` digests, so it is digested as read; the
    first, and any with a total below zero (the one spelling that differs in sign),
    are also decoded and digested the domain's way, and from a disagreement on
    every event is.
    """
    e = t.events.c
    issued = sa.and_(e.entry == uow.entry, e.type == "StatementIssued")
    query = sa.select(e.document).where(issued).order_by(e.seq)
    rows = uow.execute(query.execution_options(stream_results=True, yield_per=2_000))

    def digests() -> Iterator[str]:
        exact = True
        for number, (document,) in enumerate(rows):
            if exact and number and not _negative(document):
                yield data_digest(document)
                continue
            ref = event_ref(convert.structure(document, Event)).digest
            exact = exact and ref == data_digest(document)
            yield ref

    tally = EventTally.of("StatementIssued", digests())
    return [tally] if tally.count else []


def _negative(document: Any) -> bool:
    total = document.get("total") if isinstance(document, dict) else None
    return not isinstance(total, dict) or str(total.get("amount", "-")).startswith("-")


def _insert_statements(close: MonthClose) -> sa.Insert:
    """One statement per account of the run, from the charges step 2 linked to it.

    Its lines are not in its document: they are its ``StatementIssued`` event's.
    """
    c, r = t.charges.table.c, close_run.c
    fen = _fen(sa.func.sum(c.amount))
    rows = (
        sa.select(r.statement_id, r.account_id, r.currency, fen.label("fen"))
        .join_from(
            t.charges.table,
            close_run,
            sa.and_(c.statement_id == r.statement_id, r.bulk == sa.true()),
        )
        .group_by(r.statement_id, r.account_id, r.currency)
    )
    o = rows.subquery().c
    total = j.json_object({"amount": j.fen_text(o.fen), "currency": o.currency})
    status = sa.case(
        (o.fen < 0, StatementStatus.CREDIT.value),
        (o.fen == 0, StatementStatus.PAID.value),
        else_=StatementStatus.OPEN.value,
    )
    period = convert.unstructure(close.period)
    document = j.json_object(
        {
            "id": o.statement_id,
            "account_id": o.account_id,
            "period": j.json_object(
                {key: sa.literal(value, sa.Integer()) for key, value in period.items()}
            ),
            "currency": o.currency,
            "total": total,
            "due": j.text(convert.unstructure(close.due)),
            "issued_at": j.text(convert.unstructure(close.at)),
            "allocations": j.json_empty_array(),
            "carried_to": sa.null(),
            "version": sa.literal(0, sa.Integer()),
        }
    )
    due = sa.literal(close.due, UtcDateTime())
    statements = sa.select(
        o.statement_id,
        sa.literal(1),
        document,
        o.account_id,
        sa.literal(str(close.period)),
        status,
        o.fen,
        o.currency,
        due,
        sa.case((o.fen > 0, due), else_=sa.null()),
        sa.literal(0, sa.BigInteger()),  # nothing is paid on a statement yet: 0 fen
    )
    columns = [
        *("id", "version", "document", "account_id", "period", "status"),
        *("total", "currency", "due", "open_due", "paid"),
    ]
    return sa.insert(t.statements.table).from_select(columns, statements)


def _lines(
    statement: sa.ColumnElement[str],
    currency: sa.ColumnElement[Any],
    text: tuple[str, str],
    dialect: str,
) -> sa.ColumnElement[Any]:
    """The statement's lines as a JSON array, from its charges in the domain's order.

    A line's amount is the charge's total, written from its ``amount`` column in the
    account's currency (a charge takes its account's), so that only its item is read
    from its document.

    The order is confirmed first, then by id.  PostgreSQL and MySQL sort inside the
    aggregate; SQLite (before 3.44) cannot, so there the lines are aggregated from a
    subquery of rows already sorted.
    """
    c = t.charges.table.c
    before, after = text
    line = j.json_object(
        {
            "kind": j.text(StatementLineKind.CHARGE.value),
            "reference": c.id,
            "description": j.text(before) + c.request_id + j.text(after),
            "amount": j.json_object({"amount": j.fen_text(c.amount), "currency": currency}),
            "item_id": j.json_get(c.document, "item_id"),
        }
    )
    mine = c.statement_id == statement
    if dialect != "sqlite":
        return sa.select(j.json_array_agg(line, c.confirmed_at, c.id)).where(mine).scalar_subquery()
    ordered = (
        sa.select(line.label("line"))
        .where(mine)
        .order_by(c.confirmed_at, c.id)
        .correlate_except(t.charges.table)
        .subquery()
    )
    return sa.select(j.json_array_agg(j.json_parsed(ordered.c.line))).scalar_subquery()


def _fen(total: Any) -> sa.ColumnElement[int]:
    """A sum of ``Fen`` as the integer it is in the database, not converted to a Decimal."""
    return sa.type_coerce(total, sa.BigInteger())
