"""The default permission table names every command of every area, and says what domain.md says.

A command the table does not name falls to ``UNLISTED`` (everyone but auditors): fine for
a plugin's own command, wrong for ours, which would then let a worker or a cashier do
desk work, or the system take money, silently.  So every command class the library
defines must have its own entry, and no entry may name a command that no longer exists.
"""

from __future__ import annotations

import pytest

import servicedesk.app.desk  # noqa: F401  (imports every area's handlers, hence commands)
from servicedesk import Actor, ActorId, Role
from servicedesk.app.billing import commands as b
from servicedesk.app.bootstrap import HANDLERS
from servicedesk.app.command import Command
from servicedesk.app.complaints.commands import FileComplaint
from servicedesk.domain.errors import PermissionDenied
from servicedesk.policies import plugin_manager
from servicedesk.policies.manager import Policies
from servicedesk.policies.records_defaults import PERMISSIONS, UNLISTED
from servicedesk.testing import BillingScenario, audit_trail_length, store_state


def _subclasses(cls: type[Command]) -> set[type[Command]]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def library_commands() -> set[str]:
    """Every command class defined in the library, and every command it has a handler for."""
    classes = _subclasses(Command) | set(HANDLERS)
    return {c.__name__ for c in classes if c.__module__.startswith("servicedesk.")}


def test_every_command_of_every_area_has_an_explicit_entry() -> None:
    names = library_commands()
    areas = {
        "billing": {"RecordPayment", "PayDeposit", "AuditCharge", "CloseMonth", "ReturnStubs"},
        "complaints": {"FileComplaint", "HandOverComplaint", "EscalateOverdue"},
        "callbacks": {"PlanCallbacks", "RecordCallback"},
        "records": {"PlaceHold", "PurgeExpired", "GiveFoundItemToFinder"},
        "core": {"RegisterRequest", "ProposeItem", "ApproveFee", "CancelRequest"},
    }
    for area, samples in areas.items():
        assert samples <= names, f"the walk over command classes missed {area} commands"
    missing = sorted(names - set(PERMISSIONS))
    assert not missing, f"add these commands to records_defaults.PERMISSIONS: {missing}"


def test_the_table_names_no_command_that_does_not_exist() -> None:
    stale = sorted(set(PERMISSIONS) - library_commands())
    assert not stale, f"PERMISSIONS names commands that do not exist: {stale}"


def test_only_a_plugins_own_command_falls_to_the_unlisted_default() -> None:
    policies = Policies(plugin_manager(entry_points=False))
    assert policies.permitted_roles("SomePluginsOwnCommand") == UNLISTED
    assert Role.AUDITOR not in UNLISTED
    for name in library_commands():
        assert policies.permitted_roles(name) == PERMISSIONS[name], name


MONEY = ["PayDeposit", "RefundDeposit", "RecordPayment", "VoidPayment", "CloseAccount"]
PAPER = ["IssueInvoice", "IssueReceiptBook", "ReturnStubs"]


@pytest.mark.parametrize("name", MONEY + PAPER)
def test_only_a_cashier_handles_money_and_its_numbered_paper(name: str) -> None:
    assert PERMISSIONS[name] == {Role.CASHIER}  # 000 §4.4.6: no private settlement


@pytest.mark.parametrize("name", ["AuditCharge", "ReverseCharge"])
def test_only_the_assistant_audits_or_reverses_charges(name: str) -> None:
    assert PERMISSIONS[name] == {Role.ASSISTANT}  # 000 §4.3.1-2


DESK_WORK = [
    "RegisterRequest",
    "TriageRequest",
    "DispatchRequest",
    "RegisterWorker",
    "ProposeItem",
    "ProposeFeeChange",
    "OpenAccount",
    "PlanCallbacks",
    "RecordCallback",
]


@pytest.mark.parametrize("name", DESK_WORK)
def test_clerks_assistants_and_the_system_do_desk_work(name: str) -> None:
    assert {Role.CLERK, Role.ASSISTANT, Role.SYSTEM} <= PERMISSIONS[name]
    assert Role.AUDITOR not in PERMISSIONS[name]


REQUESTERS_OWN = ["RecordConsent", "AcceptWork", "RejectWork", "ConfirmCharge"]


def test_the_system_never_approves_takes_money_or_audits() -> None:
    for name in ["ApproveFee", "RejectFee", *MONEY, *PAPER, "AuditCharge", "ReverseCharge"]:
        assert Role.SYSTEM not in PERMISSIONS[name], name
    for name in [*REQUESTERS_OWN, "ReleaseHold", "EraseRequester", "GiveFoundItemToFinder"]:
        assert Role.SYSTEM not in PERMISSIONS[name], name


@pytest.mark.parametrize("name", REQUESTERS_OWN)
def test_the_requesters_own_acts_are_never_a_workers(name: str) -> None:
    assert Role.REQUESTER in PERMISSIONS[name]
    assert not {Role.WORKER, Role.CONTRACTOR, Role.AUDITOR} & PERMISSIONS[name]


def test_whoever_takes_a_complaint_may_act_on_it_but_an_auditor_only_reads() -> None:
    complaint_commands = {
        c.__name__
        for c in _subclasses(Command)
        if c.__module__ == "servicedesk.app.complaints.commands"
    }
    assert len(complaint_commands) >= 10
    takers = {Role.CLERK, Role.ASSISTANT, Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER}
    for name in complaint_commands - {"EscalateOverdue"}:
        assert takers <= PERMISSIONS[name], name
        assert Role.AUDITOR not in PERMISSIONS[name], name


def test_through_the_desk_an_auditor_cannot_take_a_complaint_and_a_clerk_cannot_take_money() -> (
    None
):
    s = BillingScenario()
    account, unit = s.open_account()
    auditor = Actor(ActorId("aud-qian"), "Qian", {Role.AUDITOR})
    complaint = FileComplaint(
        complainant=s.requester(unit), category="attitude", description="rude plumber"
    )
    before, trail = store_state(s.store), audit_trail_length(s.store)
    with pytest.raises(PermissionDenied, match="aud-qian may not give the command FileComplaint"):
        s.desk.handle(complaint, actor=auditor)
    with pytest.raises(PermissionDenied, match="it needs one of: cashier"):
        s.desk.handle(b.RecordPayment(account_id=account, amount="30.00"), actor=s.clerk)
    assert store_state(s.store) == before
    assert [(r.command, r.refused) for r in s.desk.records.trail(after=trail)] == [
        ("FileComplaint", "PermissionDenied"),
        ("RecordPayment", "PermissionDenied"),
    ]
    s.desk.handle(complaint, actor=s.clerk)  # the clerk who takes it may
