"""Who may do what: every command and every query against every role, from one table.

The table is ``Desk.permission_rows()``: the policy's permission tables read with the
domain's reserved acts.  docs/records.md shows it (a test checks they are equal), and
the matrix tests below hold every cell against the desk: at the door for what the
command itself tells (the role, the requester's evidence, the records a requester acts
for), and on a real job for what only the records tell (whose work order it is, whose
request a charge belongs to).  A command or query without an entry fails here.
"""

from __future__ import annotations

import inspect
import json
import typing
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest

from servicedesk import (
    AcceptWork,
    Actor,
    ActorId,
    ConfirmCharge,
    Desk,
    EraseRequester,
    EvidenceChannel,
    EvidenceRequired,
    MemoryStore,
    Money,
    PayDeposit,
    PermissionDenied,
    PolicyError,
    RecordConsent,
    RecordPayment,
    RegisterRequest,
    ReleaseHold,
    RequesterEvidence,
    RequesterKind,
    Role,
    ServiceDeskError,
    hookimpl,
)
from servicedesk.app.billing.commands import RecordCharge
from servicedesk.app.command import Command
from servicedesk.app.permissions import ANOTHERS, COLUMNS, matrix_markdown
from servicedesk.domain.requests import ConsentKind
from servicedesk.policies.records_defaults import (
    EVENT_FEED,
    QUERY_PERMISSIONS,
    REVEAL_PERSONAL_DATA,
    STATEMENT_ADDRESSEE,
)
from servicedesk.testing import IN_PERSON, BillingScenario
from support import CENTRE_MANAGER, DESK_CLERK, Clock, requester
from test_hostile_input import TEXTS, plausible

ROOT = Path(__file__).resolve().parent.parent
DESK = Desk(MemoryStore(), entry_points=False)
ROWS = dict(DESK.permission_rows())
COMMANDS = {c.__name__: c for c in DESK.wiring.handlers}
QUERIES = DESK.query_names()
#: A requester acting for records that are not the ones a command or query names.
SOMEONE_ELSES = Actor.requester("app-other", "Other", acts_for={"someone-else"})
#: Commands whose record only the store can tie to its requester (a charge to its request).
BOUND_ON_THE_RECORDS = {"ConfirmCharge"}


def actor_for(column: str, ids: set[str]) -> Actor:
    if column == ANOTHERS:
        return SOMEONE_ELSES
    if column == Role.REQUESTER:
        return Actor.requester("app-own", "Own", acts_for=ids or {"r-1"})
    return Actor(ActorId(f"x-{column}"), column, {Role(column)})


#: Commands that name their record in one of several optional fields: the one a test fills.
NAMED_RECORD: dict[str, dict[str, str]] = {"GiveRating": {"request_id": "r-1"}}


def plausible_command(cls: type[Command], **given: Any) -> Any:
    given = {**NAMED_RECORD.get(cls.__name__, {}), **given}
    hints = typing.get_type_hints(cls)
    kwargs = {
        f.name: TEXTS.get(f.name) or plausible(hints[f.name])
        for f in attrs.fields(cls)
        if f.init and f.default is attrs.NOTHING
    }
    return cls(**{**kwargs, **given})


def ids_of(command: Any) -> set[str]:
    return {
        str(getattr(command, f))
        for f in ("request_id", "account_id", "application_id", "charge_id")
        if getattr(command, f, None) is not None
    }


def refused(call: Any) -> ServiceDeskError | None:
    """The ``PermissionDenied`` the call raised, or None if it was let through."""
    try:
        call()
    except PermissionDenied as refusal:
        return refusal
    except ServiceDeskError:
        return None  # let in, then stopped by something else (an unknown id, a state)
    return None


# --- the one table, its entries and its page -----------------------------------------------------


def test_every_query_of_the_desk_has_an_explicit_entry_and_no_entry_is_stale() -> None:
    named = set(QUERY_PERMISSIONS) - {REVEAL_PERSONAL_DATA, STATEMENT_ADDRESSEE, EVENT_FEED}
    assert sorted(set(QUERIES) - named) == [], "add these queries to QUERY_PERMISSIONS"
    assert sorted(named - set(QUERIES)) == [], "QUERY_PERMISSIONS names queries that are gone"
    assert len(QUERIES) >= 40


def test_the_table_of_docs_records_is_the_desks_own() -> None:
    page = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")
    start, end = "<!-- permission table: start -->\n", "<!-- permission table: end -->"
    shown = page[page.index(start) + len(start) : page.index(end)]
    expected = matrix_markdown(DESK.permission_rows())
    assert shown == expected, "run scripts/permission-table"


def test_the_table_has_a_row_for_every_command_and_query_and_a_cell_for_every_column() -> None:
    assert set(COMMANDS) | set(QUERIES) <= set(ROWS)
    for name, cells in ROWS.items():
        assert set(cells) == set(COLUMNS), name


# --- every command against every role ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_against_every_role_at_the_door(name: str) -> None:
    cls = COMMANDS[name]
    for column, cell in ROWS[name].items():
        command = plausible_command(cls)
        actor = actor_for(column, ids_of(command))
        refusal = refused(lambda: DESK.check(command, actor=actor))  # noqa: B023
        if cell == "no" and column == ANOTHERS and name in BOUND_ON_THE_RECORDS:
            continue  # held on a real job below
        if cell == "no":
            assert refusal is not None, f"{column} may give {name}"
        elif cell == "evidence":
            assert isinstance(refusal, EvidenceRequired), f"{column} gave {name} unwitnessed"
            assert refusal.field == "evidence"
            witnessed = plausible_command(cls, evidence=IN_PERSON)
            assert refused(lambda: DESK.check(witnessed, actor=actor)) is None  # noqa: B023
        else:
            assert refusal is None, f"{column} may not give {name}: {refusal}"


def on_a_job(s: BillingScenario) -> tuple[str, str, str]:
    """A request dispatched to w-1 and started, a second one accepted with a charge recorded."""
    _account, unit = s.open_account()
    started = s.triaged_request(unit)
    s.desk.handle(
        plausible_command(COMMANDS["StartWork"], request_id=started), actor=s.worker_actor
    )
    accepted = s.accepted_request(unit)
    charge = s.desk.handle(RecordCharge(request_id=accepted), actor=s.clerk).id
    assert charge is not None
    return started, accepted, charge


@pytest.mark.parametrize("column", [Role.WORKER.value, Role.CONTRACTOR.value])
def test_a_worker_acts_on_his_own_order_only(column: str) -> None:
    """rule requests.own-work-order: every ``own order`` cell, held on a real job."""
    s = BillingScenario()
    started, _accepted, _charge = on_a_job(s)
    own = Actor(ActorId("w-1"), "Sun", {Role(column)})
    other = Actor(ActorId("w-2"), "Liu", {Role(column)})
    cells = [name for name, cells in ROWS.items() if cells[column] == "own order"]
    assert {"StartWork", "CompleteWork", "AddExtraFee", "SetWorkerAvailability"} <= set(cells)
    for name in cells:
        fields = attrs.fields_dict(COMMANDS[name])
        given = {"request_id": started} if "request_id" in fields else {"worker_id": "w-1"}
        command = plausible_command(COMMANDS[name], **given)
        refusal = refused(lambda: s.desk.handle(command, actor=other))  # noqa: B023
        assert refusal is not None, f"another worker gave {name} on w-1's order"
        assert refused(lambda: s.desk.handle(command, actor=own)) is None, name  # noqa: B023


def test_a_requester_gives_his_own_word_on_his_own_records_only() -> None:
    """rule requests.requesters-own-acts: every ``own`` cell of a command, on a real job."""
    s = BillingScenario()
    started, accepted, charge = on_a_job(s)
    cells = [n for n in COMMANDS if ROWS[n][Role.REQUESTER] == "own"]
    assert sorted(cells) == [
        "AcceptWork",
        "ConfirmCharge",
        "GiveRating",
        "RecordConsent",
        "RejectWork",
    ]
    for name in cells:
        target = {"charge_id": charge} if name == "ConfirmCharge" else {"request_id": started}
        command = plausible_command(COMMANDS[name], **target)
        own = Actor.requester("app-chen", "Chen", acts_for={started, accepted})
        assert refused(lambda: s.desk.handle(command, actor=SOMEONE_ELSES)) is not None, name  # noqa: B023
        assert refused(lambda: s.desk.handle(command, actor=own)) is None, name  # noqa: B023


def test_a_requester_in_the_app_consents_and_the_worker_adds_the_fee() -> None:
    s = BillingScenario()
    _account, unit = s.open_account()
    job = s.triaged_request(unit)
    s.desk.handle(plausible_command(COMMANDS["StartWork"], request_id=job), actor=s.worker_actor)
    chen = Actor.requester("wx-chen", "Chen", acts_for={job})
    consent = RecordConsent(
        request_id=job,
        consent_id="c-1",
        kind=ConsentKind.EXTRA_FEE,
        description="a new valve",
        amount=Money.of("15.00"),
    )
    with pytest.raises(PermissionDenied, match="w-1 may not give the command RecordConsent"):
        s.desk.handle(consent, actor=s.worker_actor)  # never the worker alone
    s.desk.handle(consent, actor=chen)
    record = s.desk.records.trail()[-1]
    assert (record.command, record.actor, record.roles) == (
        "RecordConsent",
        ActorId("wx-chen"),
        (Role.REQUESTER,),
    )


def test_a_worker_never_records_or_witnesses_the_requesters_word_on_his_own_job() -> None:
    s = BillingScenario()
    _account, unit = s.open_account()
    job = s.triaged_request(unit)
    handyman = Actor(ActorId("w-1"), "Sun", {Role.WORKER, Role.CLERK})  # at the desk too
    for command in ("StartWork", "CompleteWork"):
        s.desk.handle(plausible_command(COMMANDS[command], request_id=job), actor=handyman)
    own_word = AcceptWork(request_id=job, signed_by="Resident", evidence=IN_PERSON)
    with pytest.raises(PermissionDenied, match="never records or witnesses"):
        s.desk.handle(own_word, actor=handyman)
    witnessed_by_him = RequesterEvidence(EvidenceChannel.PHONE, witnessed_by="w-1")
    with pytest.raises(PermissionDenied, match="never records or witnesses"):
        s.desk.handle(attrs.evolve(own_word, evidence=witnessed_by_him), actor=s.clerk)
    s.desk.handle(own_word, actor=s.clerk)


# --- every query against every role --------------------------------------------------------------

ARGUMENTS: dict[str, Any] = {
    "month": "2026-04",
    "period": "2026-04",
    "phone": "13800138000",
    "kind": "request",
    "record_id": "r-1",
    "series": "s-1",
}


def query_arguments(name: str) -> dict[str, Any]:
    area, method = name.split(".")
    signature = inspect.signature(getattr(getattr(DESK, area), method))
    arguments: dict[str, Any] = {}
    for parameter in signature.parameters.values():
        if parameter.default is not inspect.Parameter.empty:
            continue
        if "date" in str(parameter.annotation):
            arguments[parameter.name] = date(2026, 4, 1)
        elif parameter.name in ("first", "last"):
            arguments[parameter.name] = "2026-04"
        else:
            arguments[parameter.name] = ARGUMENTS.get(parameter.name, "r-1")
    return arguments


@pytest.mark.parametrize("name", [*QUERIES, "records.requester_export(reveal=True)"])
def test_every_query_against_every_role(name: str) -> None:
    reveal = name.endswith("(reveal=True)")
    area, method = name.removesuffix("(reveal=True)").split(".")
    ask = getattr(getattr(DESK, area), method)
    arguments = query_arguments(f"{area}.{method}") | ({"reveal": True} if reveal else {})
    for column, cell in ROWS[name].items():
        actor = actor_for(column, {str(v) for v in arguments.values()})
        refusal = refused(lambda: ask(**arguments, actor=actor))  # noqa: B023
        if cell == "no":
            assert refusal is not None, f"{column} may ask {name}"
        else:
            assert refusal is None, f"{column} may not ask {name}: {refusal}"


# --- reading personal data ------------------------------------------------------------------------


def test_revealing_personal_data_is_its_own_permission_and_is_audited() -> None:
    """rule records.reveal-audited"""
    desk = Desk(MemoryStore(), clock=Clock(), entry_points=False)
    person = requester()
    job = desk.handle(RegisterRequest(requester=person, need="tap"), actor=DESK_CLERK).id
    phone = person.contact.phone
    masked = json.dumps(desk.records.requester_export(phone))
    assert person.name not in masked
    with pytest.raises(PermissionDenied, match=r"records\.reveal_personal_data"):
        desk.records.requester_export(phone, reveal=True)  # the system: not without a person
    refusal = desk.records.trail()[-1]
    assert (refusal.command, refusal.refused) == (REVEAL_PERSONAL_DATA, "PermissionDenied")
    shown = json.dumps(desk.records.requester_export(phone, reveal=True, actor=CENTRE_MANAGER))
    assert person.name in shown
    seen = desk.records.trail()[-1]
    assert (seen.command, seen.actor, seen.subject) == (
        REVEAL_PERSONAL_DATA,
        CENTRE_MANAGER.id,
        f"request:{job}",
    )
    assert person.name not in seen.details
    assert phone not in seen.details
    assert desk.records.verify().ok


# --- idempotency replays --------------------------------------------------------------------------


def test_a_replay_by_another_actor_is_checked_and_masked() -> None:
    desk = Desk(MemoryStore(), clock=Clock(), entry_points=False)
    person = requester()
    command = RegisterRequest(requester=person, need="tap")
    first = desk.handle(command, actor=DESK_CLERK, idempotency_key="k-1")
    auditor = Actor(ActorId("aud-qian"), "Qian", {Role.AUDITOR})
    with pytest.raises(PermissionDenied):
        desk.handle(command, actor=auditor, idempotency_key="k-1")
    again = desk.handle(command, actor=DESK_CLERK, idempotency_key="k-1")
    assert again.id == first.id  # the key keeps no personal data, for the first caller neither
    assert person.name not in repr(again.events[0].requester.name)  # type: ignore[attr-defined]
    other_clerk = Actor(ActorId("clerk-wu"), "Wu", {Role.CLERK})
    replayed = desk.handle(command, actor=other_clerk, idempotency_key="k-1")
    assert replayed.id == first.id
    assert person.name not in repr(replayed.events[0].requester.name)  # type: ignore[attr-defined]
    assert replayed.events[0].requester.contact.phone != person.contact.phone  # type: ignore[attr-defined]


def test_a_worker_replaying_a_cashiers_key_is_refused() -> None:
    s = BillingScenario()
    account, _unit = s.open_account(RequesterKind.TENANT)
    pay = PayDeposit(account_id=account, amount="200.00")
    paid = s.desk.handle(pay, actor=s.cashier, idempotency_key="pay-1")
    with pytest.raises(PermissionDenied, match="it needs one of: cashier"):
        s.desk.handle(pay, actor=s.worker_actor, idempotency_key="pay-1")
    assert s.desk.handle(pay, actor=s.cashier, idempotency_key="pay-1") == paid


# --- the system actor and plugins that widen reserved acts --------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ReleaseHold(record_id="r-1", hold_id="h-1"),
        EraseRequester(phone="13800138000"),
        ConfirmCharge(charge_id="c-1", signed_by="Made Up"),
        AcceptWork(request_id="r-1", signed_by="Made Up"),
        RecordPayment(account_id="a-1", amount="10.00"),
        plausible_command(COMMANDS["ApproveFee"]),
    ],
    ids=lambda c: type(c).__name__,
)
def test_the_system_actor_is_refused_what_needs_a_person_and_told_to_pass_one(
    command: Command,
) -> None:
    """rule records.system-actor"""
    with pytest.raises(PermissionDenied, match=r"The system actor may not .* actor=Actor\("):
        DESK.check(command)


@pytest.mark.parametrize(
    ("command", "roles"),
    [
        ("RecordPayment", {Role.CASHIER, Role.CLERK}),
        ("ReleaseHold", {Role.CENTRE_MANAGER, Role.SYSTEM}),
        ("EraseRequester", {Role.CENTRE_MANAGER, Role.SYSTEM}),
        ("ApproveFee", {Role.CENTRE_MANAGER, Role.CLERK}),
        ("AcceptWork", {Role.CLERK, Role.WORKER}),
        ("ConfirmCharge", {Role.SYSTEM}),
    ],
)
def test_a_plugin_widening_a_reserved_act_stops_the_desk_at_start_up(
    command: str, roles: set[Role]
) -> None:
    """rule records.reserved-acts: refused when the desk starts, never narrowed silently."""

    class Wider:
        @hookimpl
        def servicedesk_permitted_roles(self, command: str) -> set[Role] | None:
            return roles if command == widened else None

    widened = command
    with pytest.raises(PolicyError, match=f"lets .* give {command}"):
        Desk(MemoryStore(), plugins=[Wider()], entry_points=False)


def test_a_plugin_may_narrow_a_reserved_act() -> None:
    class OnlyManagersErase:
        @hookimpl
        def servicedesk_permitted_roles(self, command: str) -> set[Role] | None:
            return {Role.BRANCH_MANAGER} if command == "EraseRequester" else None

    desk = Desk(MemoryStore(), plugins=[OnlyManagersErase()], entry_points=False)
    with pytest.raises(PermissionDenied):
        desk.check(EraseRequester(phone="13800138000"), actor=CENTRE_MANAGER)
