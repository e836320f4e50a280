"""Books for the month close's tests: drawn accounts, their charges, the rows a close writes.

``build_books(store, drawn)`` builds January to April 2 on any store: the drawn
accounts of both billing modes (charges confirmed, merely recorded, reversed or
confirmed after the month, agreements with a monthly fee, a credit from
February to carry), February closed; ``close_rows`` and ``loaded`` are what two
closes are compared by.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from contract_billing import ASSISTANT, CASHIER, accepted, at, billing_desk, resident
from contract_scenario import Clock
from hypothesis import strategies as st

from servicedesk.adapters.sql import SqlStore
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.subject_keys import unsealed
from servicedesk.app.billing.commands import (
    AuditCharge,
    CloseMonth,
    ConfirmCharge,
    OpenAccount,
    PayDeposit,
    RecordCharge,
    ReverseCharge,
    SignAgreement,
)
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.agreements import AgreementTerms
from servicedesk.domain.billing import AccountId
from servicedesk.domain.charges import LineKind
from servicedesk.domain.values import RequesterKind
from servicedesk.testing import IN_PERSON
from servicedesk.testing.strategies import line_specs, money
from support import DESK_CLERK

#: "unaudited" is confirmed and never audited; "audited late" is audited after March (rule
#: billing.audit-before-statement): neither is on March's statement.
FATES = ("confirmed", "recorded", "reversed", "late", "reversed late", "unaudited", "audited late")
charges = st.lists(
    st.tuples(
        st.lists(line_specs(kinds=(LineKind.MATERIAL,), max_price="80.00"), max_size=2),
        st.sampled_from(FATES),
        st.booleans(),  # confirmed in the same instant as the next one
    ),
    max_size=3,
)
accounts = st.lists(
    st.fixed_dictionaries(
        {
            "tenant": st.booleans(),
            "agreement": st.none() | money("0.01", "99.99"),
            "credit": st.booleans(),
            "charges": charges,
        }
    ),
    min_size=1,
    max_size=4,
)


def _charge(d: Any, clock: Clock, request: str, unit: str, kind: RequesterKind, spec: Any) -> str:
    lines, fate, at_once = spec
    accepted(d, request, unit, kind)
    charge = d.handle(RecordCharge(request_id=request, lines=tuple(lines))).id
    if fate != "recorded":
        d.handle(
            ConfirmCharge(charge_id=charge, signed_by="Resident", evidence=IN_PERSON),
            actor=DESK_CLERK,
        )
    if fate not in ("recorded", "unaudited", "audited late"):
        d.handle(AuditCharge(charge_id=charge), actor=ASSISTANT)
    if not at_once:
        clock.advance(minutes=7)
    return str(charge)


def build_books(store: Store, books: list[dict[str, Any]]) -> tuple[Any, Clock]:
    """January to April 2: the drawn accounts, February's close, March's charges."""
    clock = Clock(at(1, 5))
    d = billing_desk(store, clock)
    opened = []
    for n, spec in enumerate(books):
        kind = RequesterKind.TENANT if spec["tenant"] else RequesterKind.OWNER
        unit = f"{n}-101"
        account = f"acct-{n}"
        d.handle(OpenAccount(requester=resident(unit, kind), account_id=account))
        opened.append((account, unit, kind, spec))
        if kind is RequesterKind.TENANT:
            d.handle(PayDeposit(account_id=account, amount="900000.00"), actor=CASHIER)
        elif spec["agreement"] is not None:
            terms = AgreementTerms("lift check", monthly_fee=spec["agreement"])
            d.handle(
                SignAgreement(
                    account_id=account,
                    item_id="tap",
                    terms=terms,
                    start="2026-03",
                    agreement_id=f"ag-{n}",
                )
            )
    january = [
        (account, _charge(d, clock, f"jan-{account}", unit, kind, ((), "confirmed", False)))
        for account, unit, kind, spec in opened
        if spec["credit"]
    ]
    clock.now = at(2, 2)
    d.handle(CloseMonth(period="2026-01"))
    for _account, charge in january:  # February: January's charge reversed, a credit
        d.handle(ReverseCharge(charge_id=charge, reason="not done"), actor=ASSISTANT)
    clock.now = at(3, 2)
    d.handle(CloseMonth(period="2026-02"))
    late, audited_late = [], []
    for account, unit, kind, spec in opened:
        for i, charge_spec in enumerate(spec["charges"]):  # later charges, smaller ids
            charge = _charge(d, clock, f"mar-{account}-{9 - i}", unit, kind, charge_spec)
            if charge_spec[1] == "reversed":
                d.handle(ReverseCharge(charge_id=charge, reason="wrong"), actor=ASSISTANT)
            elif charge_spec[1] == "audited late":
                audited_late.append(charge)
            elif "late" in charge_spec[1]:
                late.append(charge)
    clock.now = at(4, 1, 8)  # after March: confirmed in April, so on April's statement
    for charge in late:
        d.handle(ReverseCharge(charge_id=charge, reason="late"), actor=ASSISTANT)
    for charge in audited_late:  # after the cut-off: left for April
        d.handle(AuditCharge(charge_id=charge), actor=ASSISTANT)
    clock.now = at(4, 2)
    return d, clock


def close_march(d: Any) -> None:
    d.handle(CloseMonth(period="2026-03"))
    d.handle(CloseMonth(period="2026-03"))  # changes nothing


def close_rows(store: SqlStore) -> dict[str, list[Any]]:
    """Every row the close writes, documents parsed and opened, in an order that ignores seq.

    A document's personal data is compared opened (``sealing``): each run seals under keys
    of its own.
    """

    def plain(value: Any) -> Any:
        if isinstance(value, str) and value[:1] in "{[":
            return json.loads(value)
        if isinstance(value, datetime):
            return value.isoformat()
        return value

    found: dict[str, list[Any]] = {}
    with store.engine.connect() as connection, store.reading() as uow:
        for name, table, kind in (
            ("statements", t.statements.table, "statement"),
            ("charges", t.charges.table, "charge"),
            ("agreements", t.agreements.table, "agreement"),
            ("events", t.events, None),
        ):
            # the log's numbers and each unit of work's random mark differ from run to run
            columns = [c for c in table.columns if c.name not in ("seq", "entry")]
            query = sa.select(*columns)
            if table is t.events:  # the billing streams (work orders have random ids)
                query = query.where(t.events.c.stream.in_(("statement", "charge", "agreement")))
            rows = [dict(row._mapping) for row in connection.execute(query)]
            for row in rows:
                stream, record_id = (
                    (row["stream"], row["aggregate_id"])
                    if kind is None
                    else (
                        kind,
                        row["id"],
                    )
                )
                [row["document"]] = unsealed(uow, stream, [(record_id, row["document"])])
            found[name] = sorted(
                json.dumps([plain(v) for v in row.values()], sort_keys=True, default=str)
                for row in rows
            )
    return found


def loaded(store: Store, account_ids: list[str]) -> list[Any]:
    with store.unit_of_work() as uow:
        loaded: list[Any] = []
        for account in map(AccountId, account_ids):
            statements = uow.statements.for_account(account)
            charges = uow.charges.for_account(account)
            loaded.append((statements, [s.version for s in statements]))
            loaded.append((charges, [c.version for c in charges]))
            loaded.extend(uow.events.history("statement", s.id) for s in statements)
            loaded.extend(uow.events.history("charge", c.id) for c in charges)
            loaded.extend(uow.agreements.for_account(account))
        return loaded
