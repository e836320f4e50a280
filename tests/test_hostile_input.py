"""Hostile input over every public command and every field: only typed refusals, no change.

For each command class and each of its fields, Hypothesis draws a hostile value (wrong
types, ``None``, empty and 100,000-character strings, control characters, NUL, lone
surrogates, negative, zero, huge, three-decimal, float and foreign-currency money, naive
and far times, unknown ids and ids of another kind) and puts it in an otherwise plausible
command.  Building the command or handling it may refuse it; a refusal must be a
``ServiceDeskError`` and must leave every business record as it was (the audit trail
records refusals on purpose and is compared apart).  Run on the memory store and SQLite.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicedesk import (
    Actor,
    ActorId,
    AgreementTerms,
    Applicant,
    ApproveFee,
    Contact,
    DepartmentId,
    Desk,
    FeeStandard,
    Finder,
    ItemId,
    LineKind,
    LineSpec,
    Material,
    MemoryStore,
    Money,
    Month,
    OpeningHours,
    Period,
    ProcessStep,
    ProposeItem,
    RaisedComplaint,
    RegisterRequest,
    Requester,
    RequestId,
    Role,
    ServiceDeskError,
    TimeWindow,
    WorkingBlock,
    WorkingBudget,
    command_types,
    open_store,
)
from servicedesk.adapters.sql import SqlStore
from servicedesk.domain.appraisal import AppraisalPeriod
from servicedesk.testing import IN_PERSON, store_state

AT = datetime(2026, 5, 11, 10, 0, tzinfo=UTC)
EVERYONE = Actor(ActorId("all-hands"), "All hands", set(Role))
COMMANDS = sorted(command_types().values(), key=lambda c: c.__name__)
FIELDS = [
    (command, field.name)
    for command in COMMANDS
    for field in attrs.fields(command)
    if field.init and not field.name.startswith("_")
]

#: A plausible value of each nested type, so that only the field under test is hostile.
EXAMPLES: dict[type, Any] = {
    Contact: Contact("13800138000"),
    Requester: Requester("Chen", "3-502", Contact("13800138000")),
    FeeStandard: FeeStandard.fixed(Money.of("30.00")),
    TimeWindow: TimeWindow(AT + timedelta(hours=1), AT + timedelta(hours=3)),
    LineSpec: LineSpec(LineKind.SERVICE, "labour", Decimal("1"), Money.of("30.00")),
    AgreementTerms: AgreementTerms("garden care", monthly_fee=Money.of("100.00")),
    Finder: Finder("Wang"),
    RaisedComplaint: RaisedComplaint(category="attitude", description="rude"),
    Money: Money.of("30.00"),
    Applicant: Applicant(name="Li", contact=Contact("13900139000")),
    OpeningHours: OpeningHours((WorkingBlock(time(9), time(17)),)),
    Material: Material("id_card", "Identity card"),
    ProcessStep: ProcessStep("Review", DepartmentId("civil"), WorkingBudget.working_days(1)),
    WorkingBudget: WorkingBudget.working_days(1),
    Period: Period.parse("2026-04"),
    Month: Month.parse("2026-04"),
    datetime: AT,
    date: AT.date(),
    bool: False,
    int: 1,
    str: "plumbing",
    Decimal: Decimal("1"),
    AppraisalPeriod: AppraisalPeriod.parse("2026-04"),
}
IDS = {ItemId: "i-1", RequestId: "r-1"}
#: Text fields whose text has a form of its own.
TEXTS = {"quantity": "1", "phone": "13800138000"}

HOSTILE: list[Any] = [
    None,
    0,
    -1,
    10**12,
    True,
    1.5,
    "",
    " ",
    "x" * 100_000,
    "\x00",
    "a\x00b",
    "\ud800",
    "line\nbreak\r\t\x1b",
    "r-1\n",
    [],
    ["plumbing"],
    {"a": 1},
    (None,),
    Money.of("-1.00"),
    Money.of("0.00"),
    Money.of("1.00", "USD"),
    Money.of("99999999999.00"),
    Decimal("1.005"),
    "1.005",
    "1e30",
    datetime(2026, 5, 11, 10, 0),
    datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
    datetime(1, 1, 1, tzinfo=UTC),
    ItemId("i-1"),
    RequestId("no-such-request"),
    ActorId("a" * 48),
    "a" * 60,
]


def plausible(wanted: Any) -> Any:
    origin = typing.get_origin(wanted)
    if origin is not None and type(None) in typing.get_args(wanted):
        return None
    if origin in (tuple, frozenset, list):
        return origin([plausible(typing.get_args(wanted)[0])])
    if isinstance(wanted, type) and issubclass(wanted, Enum):
        return next(iter(wanted))
    if wanted in EXAMPLES:
        return EXAMPLES[wanted]
    if isinstance(wanted, type) and hasattr(wanted, "longest_given"):
        return wanted(IDS.get(wanted, "x-1"))
    raise AssertionError(f"no plausible value for {wanted}")


def command_with(command: type, field: str, value: Any) -> Any:
    hints = typing.get_type_hints(command)
    kwargs = {
        f.name: TEXTS.get(f.name) or plausible(hints[f.name])
        for f in attrs.fields(command)
        if f.init and not f.name.startswith("_") and f.default is attrs.NOTHING
    }
    if field != "evidence" and "evidence" in attrs.fields_dict(command):
        kwargs["evidence"] = IN_PERSON  # so that the other fields reach the handler
    kwargs[field] = value
    return command(**kwargs)


def seed(desk: Desk) -> None:
    fee = FeeStandard.fixed(Money.of("30.00"))
    desk.handle(ProposeItem(item_id="i-1", name="Tap", category="plumbing", fee=fee))
    for role in (Role.CENTRE_MANAGER, Role.BRANCH_MANAGER):
        manager = Actor(ActorId(f"m-{role}"), "Manager", {role})
        desk.handle(ApproveFee(item_id="i-1", role=role), actor=manager)
    requester = Requester("Chen", "3-502", Contact("13800138000"))
    desk.handle(RegisterRequest(request_id="r-1", requester=requester, need="tap drips"))


def attempt(desk: Desk, command: type, field: str, value: Any, state: Any) -> None:
    """Build and handle the command; a refusal must be typed and change nothing."""
    before = state()
    try:
        desk.handle(command_with(command, field, value), actor=EVERYONE)
    except ServiceDeskError:
        assert state() == before, f"{command.__name__}.{field} = {value!r:.60} changed the store"


def test_every_command_has_a_plausible_form() -> None:
    hints = {command: typing.get_type_hints(command) for command in COMMANDS}
    for command, field in FIELDS:
        command_with(command, field, TEXTS.get(field) or plausible(hints[command][field]))


@pytest.mark.parametrize(("command", "field"), FIELDS, ids=[f"{c.__name__}.{f}" for c, f in FIELDS])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.sampled_from(HOSTILE))
def test_a_hostile_value_is_refused_typed_on_memory(command: type, field: str, value: Any) -> None:
    store = MemoryStore()
    desk = Desk(store, clock=lambda: AT, entry_points=False)
    seed(desk)
    attempt(desk, command, field, value, lambda: store_state(store))


def sql_state(store: SqlStore) -> Any:
    """Every row of every table but the audit trail (its records and head) and Alembic's own."""
    with store.engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        return {
            name: sorted(
                tuple(str(v) for v in row)
                for row in connection.execute(sa.text(f'SELECT * FROM "{name}"'))
            )
            for name in tables
            if name not in {"audit_records", "audit_head", "servicedesk_alembic_version"}
        }


@pytest.fixture(scope="module")
def sqlite_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Desk, SqlStore]]:
    store = open_store(Path(tmp_path_factory.mktemp("hostile")) / "desk.db")
    desk = Desk(store, clock=lambda: AT, entry_points=False)
    seed(desk)
    yield desk, store
    store.close()


WITH_FIELDS = sorted({c for c, _ in FIELDS}, key=lambda c: c.__name__)


@pytest.mark.parametrize("command", WITH_FIELDS, ids=[c.__name__ for c in WITH_FIELDS])
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_hostile_value_is_refused_typed_on_sqlite(
    sqlite_desk: tuple[Desk, SqlStore], command: type, data: st.DataObject
) -> None:
    desk, store = sqlite_desk
    field = data.draw(st.sampled_from([f for c, f in FIELDS if c is command]), label="field")
    value = data.draw(st.sampled_from(HOSTILE), label="value")
    attempt(desk, command, field, value, lambda: sql_state(store))
