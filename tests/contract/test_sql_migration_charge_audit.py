"""Revision 0015 on a database with audited charges: when each was audited, kept.

Before it, a charge's document named its auditor but not when the audit was;
afterwards the document has the instant of its ``ChargeAudited`` event, and the
``audited_at`` column has it while the charge is billable, for the close that bills
only audited charges (rule billing.audit-before-statement).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from contract_databases import SQL_STORES, scratch

from servicedesk import convert
from servicedesk.adapters.sql import SqlStore, upgrade
from servicedesk.adapters.sql.engine import make_engine
from servicedesk.adapters.sql.tables import charges, events
from servicedesk.domain.billing import AccountId, BillingMode, ChargeId, StatementId
from servicedesk.domain.charges import Charge, LineKind, LineSpec
from servicedesk.domain.money import Money, Rounding
from servicedesk.domain.values import ActorId, ItemId, RequestId

AT = datetime(2026, 3, 10, 2, tzinfo=UTC)
AUDITED = AT + timedelta(hours=3)


def _charge(number: int, *, audited: bool) -> Charge:
    charge = Charge.open(
        ChargeId(f"r-{number}:1"),
        request_id=RequestId(f"r-{number}"),
        account_id=AccountId("a-1"),
        item_id=ItemId("tap"),
        currency="CNY",
    )
    spec = LineSpec(LineKind.SERVICE, "Service fee", Decimal(1), Money.of("30.00"))
    charge.record((spec,), extras=(), rounding=Rounding.HALF_UP, needs_estimate=False, at=AT)
    charge.confirm(signed_by="Resident", mode=BillingMode.ON_ACCOUNT, at=AT)
    if audited:
        charge.audit(auditor=ActorId("asst"), at=AUDITED)
    return charge


@pytest.mark.parametrize("backend", SQL_STORES)
def test_upgrading_keeps_when_each_charge_was_audited(backend: str, tmp_path: Path) -> None:
    billable, billed, unaudited = (
        _charge(1, audited=True),
        _charge(2, audited=True),
        _charge(3, audited=False),
    )
    with scratch(backend, "charge_audit", tmp_path) as url:
        upgrade(url, "0011")
        engine = make_engine(url)
        with engine.begin() as connection:
            for charge in (billable, billed, unaudited):
                old = {k: v for k, v in convert.unstructure(charge).items() if k != "audited_at"}
                old.pop("statement_id", None)
                is_billed = charge is billed
                connection.execute(
                    sa.insert(charges.table).values(
                        id=charge.id.value,
                        version=len(charge.events),
                        document=old,
                        account_id="a-1",
                        request_id=charge.request_id.value,
                        confirmed_at=AT,
                        billable_at=None if is_billed else AT,
                        statement_id="a-1:2026-03" if is_billed else None,
                        amount=Decimal("30.00"),
                    )
                )
                for version, event in enumerate(charge.events, 1):
                    connection.execute(
                        sa.insert(events).values(
                            stream="charge",
                            aggregate_id=charge.id.value,
                            version=version,
                            type=type(event).__name__,
                            at=event.at,
                            document=convert.unstructure(event),
                        )
                    )
        upgrade(url)
        with engine.connect() as connection:
            c = charges.table.c
            columns = dict(connection.execute(sa.select(c.id, c.audited_at)).all())
        engine.dispose()
        store = SqlStore(url)
        with store.reading() as uow:
            loaded = {c.id: c for c in uow.charges.for_account(AccountId("a-1"))}
            audited = uow.charges.billable(AccountId("a-1"), AT + timedelta(days=30), audited=True)
        store.engine.dispose()
    assert columns == {"r-1:1": AUDITED, "r-2:1": None, "r-3:1": None}
    assert loaded[billable.id].audited_at == AUDITED
    assert loaded[billed.id].audited_at == AUDITED
    assert loaded[billed.id].statement_id == StatementId("a-1:2026-03")
    assert loaded[unaudited.id].audited_at is None
    assert [c.id for c in audited] == [billable.id]
