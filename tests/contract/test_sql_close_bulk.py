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

from datetime import timedelta
from typing import Any
from unittest import mock

from contract_close import accounts, build_books, close_march, close_rows, loaded
from contract_databases import wipe
from hypothesis import HealthCheck, Phase, given, settings

from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.adapters.sql.repositories import SqlStatements
from servicedesk.app.billing.commands import CloseMonth
from servicedesk.app.billing.ports import BulkIssue
from servicedesk.domain.billing import AccountId
from servicedesk.domain.charges import LineKind, LineSpec
from servicedesk.domain.money import Money


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
    d, _clock = build_books(memory, books)
    close_march(d)
    reference = loaded(memory, ids)

    wipe(sql_store)
    with mock.patch.object(SqlStatements, "issue_in_bulk", return_value=None):
        d, _clock = build_books(sql_store, books)  # every close, every account, by the domain
        close_march(d)
    by_domain = close_rows(sql_store)
    assert loaded(sql_store, ids) == reference

    wipe(sql_store)
    d, _clock = build_books(sql_store, books)
    close_march(d)
    assert close_rows(sql_store) == by_domain
    assert loaded(sql_store, ids) == reference
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
    d, _clock = build_books(sql_store, [plain, fee, credit, three])
    calls: list[Any] = []
    real = SqlStatements.issue_in_bulk

    def spy(self: SqlStatements, close: Any, **batch: Any) -> Any:
        calls.append(real(self, close, **batch))
        return calls[-1]

    with mock.patch.object(SqlStatements, "issue_in_bulk", spy):
        d.handle(CloseMonth(period="2026-03"))
    assert calls == [BulkIssue([AccountId("acct-1"), AccountId("acct-2")])]
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
    d, clock = build_books(sql_store, books)
    clock.now += timedelta(hours=1)
    d.handle(CloseMonth(period="2026-03"))
    assert d.billing.statement("acct-0:2026-03").total == Money.of("0.00")
    assert d.billing.statement("acct-1:2026-03").total == Money.of("30.05")
    february = d.billing.statement("acct-2:2026-02")  # closed in bulk too
    assert (february.total, february.status.value) == (Money.of("-30.00"), "credit")
