"""What a store keeps unique, the memory store as the SQL stores' unique indexes do.

A unit may have one open account of each kind. Two clerks opening the unit's
account at the same moment both find none; the second commit must be refused
(``ConcurrencyConflict``, which the desk retries and then refuses plainly), not
store a second open account.
"""

from __future__ import annotations

import pytest
from contract_scenario import MONDAY

from servicedesk import Contact, Requester
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.accounts import Account
from servicedesk.domain.billing import AccountId, BillingMode, SeriesId
from servicedesk.domain.errors import ConcurrencyConflict
from servicedesk.domain.payments import SeriesCounter
from servicedesk.domain.values import RequesterKind

OWNER = Requester("Chen", "3-502", Contact("13800138000"), RequesterKind.OWNER)
TENANT = Requester("Li", "3-502", Contact("13900139000"), RequesterKind.TENANT)


def _open(store: Store, account_id: str, requester: Requester = OWNER) -> None:
    """Open an account without looking for one first: a clerk who looked before the other saved."""
    with store.unit_of_work() as uow:
        mode = BillingMode.ON_ACCOUNT
        opened = Account.open(
            AccountId(account_id), requester=requester, mode=mode, currency="CNY", at=MONDAY
        )
        uow.accounts.add(opened)
        uow.commit()


def _open_accounts(store: Store) -> list[str]:
    with store.unit_of_work() as uow:
        return [a.id.value for a in uow.accounts.list() if a.is_open]


def test_a_second_open_account_for_the_unit_is_refused(store: Store) -> None:
    _open(store, "A-1")
    with pytest.raises(ConcurrencyConflict):
        _open(store, "A-2")
    assert _open_accounts(store) == ["A-1"]
    _open(store, "A-3", TENANT)  # another kind of requester: an account of its own
    assert _open_accounts(store) == ["A-1", "A-3"]


def test_a_closed_account_frees_the_unit(store: Store) -> None:
    _open(store, "A-1")
    with store.unit_of_work() as uow:
        account = uow.accounts.get(AccountId("A-1"))
        account.close(at=MONDAY)
        uow.commit()
    _open(store, "A-2")
    assert _open_accounts(store) == ["A-2"]
    with pytest.raises(ConcurrencyConflict):
        _open(store, "A-3")


def _number(store: Store) -> None:
    """Add series R's counter and take a number, as a taker who found none would."""
    with store.unit_of_work() as uow:
        counter = SeriesCounter(SeriesId("R"))
        uow.counters.add(counter)  # a derived id: not looked up, the store answers at commit
        counter.take(at=MONDAY)
        uow.commit()


def test_a_derived_id_stored_meanwhile_fails_the_second_commit(store: Store) -> None:
    _number(store)
    with pytest.raises(ConcurrencyConflict):
        _number(store)
    with store.unit_of_work() as uow:
        assert uow.counters.get(SeriesId("R")).last == 1
