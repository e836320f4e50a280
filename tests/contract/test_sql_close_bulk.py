"""The month close in bulk stores exactly what the domain's close stores.

The same drawn books (accounts of both billing modes, charges confirmed,
merely recorded, reversed or confirmed after the month, agreements with a
monthly fee, a credit from February to carry) are built three times: on the
memory store (the reference: the domain closes every account), on a SQL store
with the bulk close, and on the same SQL store with the bulk step switched off
(every account through the domain).  After March is closed, and closed again:

- the SQL store holds the same rows either way: statements, charges (documents,
  versions and every projection column), the charge-statement links, and events
  (stream, aggregate, version, type, time and document); only the order of the
  event log between aggregates may differ;
- what the SQL store loads equals what the memory store holds: statements,
  charges and the event history of each.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import sqlalchemy as sa
from contract_billing import ASSISTANT, CASHIER, accepted, at, billing_desk, resident
from contract_databases import wipe
from contract_scenario import Clock
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.repositories import SqlStatements
from servicedesk.app.billing.commands import (
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
from servicedesk.domain.charges import LineKind, LineSpec
from servicedesk.domain.money import Money
from servicedesk.domain.values import RequesterKind
from servicedesk.testing import IN_PERSON
from servicedesk.testing.strategies import line_specs, money
from support import DESK_CLERK

FATES = ("confirmed", "recorded", "reversed", "late", "reversed late")
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
    if not at_once:
        clock.advance(minutes=7)
    return str(charge)


def _books(store: Store, books: list[dict[str, Any]]) -> tuple[Any, Clock]:
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
    late = []
    for account, unit, kind, spec in opened:
        for i, charge_spec in enumerate(spec["charges"]):  # later charges, smaller ids
            charge = _charge(d, clock, f"mar-{account}-{9 - i}", unit, kind, charge_spec)
            if charge_spec[1] == "reversed":
                d.handle(ReverseCharge(charge_id=charge, reason="wrong"), actor=ASSISTANT)
            elif "late" in charge_spec[1]:
                late.append(charge)
    clock.now = at(4, 1, 8)  # after March: confirmed in April, so on April's statement
    for charge in late:
        d.handle(ReverseCharge(charge_id=charge, reason="late"), actor=ASSISTANT)
    clock.now = at(4, 2)
    return d, clock


def _close(d: Any) -> None:
    d.handle(CloseMonth(period="2026-03"))
    d.handle(CloseMonth(period="2026-03"))  # changes nothing


def _rows(store: SqlStore) -> dict[str, list[Any]]:
    """Every row the close writes, documents parsed, in an order that ignores seq."""

    def plain(value: Any) -> Any:
        if isinstance(value, str) and value[:1] in "{[":
            return json.loads(value)
        if isinstance(value, datetime):
            return value.isoformat()
        return value

    found: dict[str, list[Any]] = {}
    with store.engine.connect() as connection:
        for name, table in (
            ("statements", t.statements.table),
            ("charges", t.charges.table),
            ("agreements", t.agreements.table),
            ("statement_charges", t.statement_charges),
            ("events", t.events),
        ):
            # the log's numbers and each unit of work's random mark differ from run to run
            columns = [c for c in table.columns if c.name not in ("seq", "entry")]
            query = sa.select(*columns)
            if table is t.events:  # the billing streams (work orders have random ids)
                query = query.where(t.events.c.stream.in_(("statement", "charge", "agreement")))
            rows = connection.execute(query).all()
            found[name] = sorted(
                json.dumps([plain(v) for v in row], sort_keys=True, default=str) for row in rows
            )
    return found


def _loaded(store: Store, account_ids: list[str]) -> list[Any]:
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


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.generate],  # shrinking the books of a store takes ages
)
@given(books=accounts)
def test_the_bulk_close_stores_what_the_domain_close_stores(
    sql_store: SqlStore, books: list[dict[str, Any]]
) -> None:
    ids = [f"acct-{n}" for n in range(len(books))]
    memory = MemoryStore()
    d, _clock = _books(memory, books)
    _close(d)
    reference = _loaded(memory, ids)

    wipe(sql_store)
    with mock.patch.object(SqlStatements, "issue_in_bulk", return_value=None):
        d, _clock = _books(sql_store, books)  # every close, every account, by the domain
        _close(d)
    by_domain = _rows(sql_store)
    assert _loaded(sql_store, ids) == reference

    wipe(sql_store)
    d, _clock = _books(sql_store, books)
    _close(d)
    assert _rows(sql_store) == by_domain
    assert _loaded(sql_store, ids) == reference
    assert d.records.verify().ok, "the close's record vouches for the events it wrote in bulk"


def test_the_bulk_close_takes_the_plain_accounts_and_leaves_the_others(
    sql_store: SqlStore,
) -> None:
    """Agreements and credits go through the domain; the plain account is billed in bulk."""
    one: tuple[list[LineSpec], str, bool] = ([], "confirmed", False)
    plain: dict[str, Any] = {"tenant": False, "agreement": None, "credit": False, "charges": [one]}
    fee = {**plain, "agreement": Money.of("12.00")}
    credit = {**plain, "credit": True}
    three = {**plain, "charges": [([], "confirmed", True), one, one]}  # two at the same instant
    d, _clock = _books(sql_store, [plain, fee, credit, three])
    calls: list[Any] = []
    real = SqlStatements.issue_in_bulk

    def spy(self: SqlStatements, close: Any) -> Any:
        calls.append(real(self, close))
        return calls[-1]

    with mock.patch.object(SqlStatements, "issue_in_bulk", spy):
        d.handle(CloseMonth(period="2026-03"))
    assert calls == [[AccountId("acct-1"), AccountId("acct-2")]]
    statement = d.billing.statement("acct-2:2026-03")
    assert [line.kind.value for line in statement.lines] == ["charge", "credit"]
    assert d.billing.statement("acct-0:2026-03").total == Money.of("30.00")
    lines = d.billing.statement("acct-3:2026-03").lines  # by confirmation, then by id
    assert [line.reference for line in lines] == [
        "mar-acct-3-8:1",
        "mar-acct-3-9:1",
        "mar-acct-3-7:1",
    ]


def test_a_statement_total_is_written_to_the_fen_whatever_its_sign(sql_store: SqlStore) -> None:
    """Negative, zero and small totals: the text of the amount is Python's."""
    washer = LineSpec(LineKind.MATERIAL, "washer", 1, Money.of("0.05"))
    plain: dict[str, Any] = {"tenant": False, "agreement": None, "credit": False}
    books = [
        {**plain, "charges": [([], "reversed", False)]},
        {**plain, "charges": [([washer], "confirmed", False)]},
        {**plain, "credit": True, "charges": []},
    ]
    d, clock = _books(sql_store, books)
    clock.now += timedelta(hours=1)
    d.handle(CloseMonth(period="2026-03"))
    assert d.billing.statement("acct-0:2026-03").total == Money.of("0.00")
    assert d.billing.statement("acct-1:2026-03").total == Money.of("30.05")
    february = d.billing.statement("acct-2:2026-02")  # closed in bulk too
    assert (february.total, february.status.value) == (Money.of("-30.00"), "credit")
