"""Random sequences of lifecycle commands against a model of the state machine.

After every step: a command succeeded exactly when the model allowed it, a
refusal changed nothing, every status change in a request's history is an
edge of ``TRANSITIONS``, every extra fee follows its consent, a rejected job
closes only after a later acceptance, and replaying the events rebuilds the
stored request.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, precondition, rule

from servicedesk import (
    AcceptWork,
    AddExtraFee,
    CancelRequest,
    CloseRequest,
    Command,
    CompleteWork,
    ConsentKind,
    DeclineRequest,
    Desk,
    DispatchRequest,
    Money,
    RecordConsent,
    RegisterRequest,
    RejectWork,
    StartWork,
    Status,
    TriageRequest,
    Urgency,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.domain import requests as r
from servicedesk.domain.errors import ServiceDeskError
from servicedesk.domain.values import RequestId
from servicedesk.testing import IN_PERSON
from support import DESK_CLERK, Clock, hire, publish, requester

S = Status
#: Where each plain command is allowed: the model the machine is checked against.
ALLOWED_FROM: dict[type[Command], set[Status]] = {
    StartWork: {S.DISPATCHED, S.REWORK},
    CompleteWork: {S.IN_PROGRESS},
    AcceptWork: {S.COMPLETED},
    RejectWork: {S.COMPLETED},
    CloseRequest: {S.ACCEPTED},
    CancelRequest: {S.REGISTERED, S.TRIAGED, S.DISPATCHED, S.IN_PROGRESS, S.REWORK},
    DeclineRequest: {S.REGISTERED},
    TriageRequest: {S.REGISTERED},
}


@attrs.define
class Model:
    status: Status = S.REGISTERED
    worker: str | None = None
    consents: dict[str, Money] = attrs.field(factory=dict)
    used: set[str] = attrs.field(factory=set)


class Lifecycle(RuleBasedStateMachine):
    requests = Bundle("requests")

    def __init__(self) -> None:
        super().__init__()
        self.store = MemoryStore()
        self.clock = Clock()
        self.desk = Desk(self.store, clock=self.clock, entry_points=False)
        self.item = publish(self.desk)
        self.workers = [hire(self.desk, "Zhang"), hire(self.desk, "Liu")]
        self.model: dict[str, Model] = {}

    def attempt(self, request_id: str, command: Command, allowed: bool) -> None:
        before = self.store.snapshot()
        try:
            self.desk.handle(command, actor=DESK_CLERK)
        except ServiceDeskError:
            assert not allowed, f"{type(command).__name__} refused in {self.model[request_id]}"
            assert self.store.snapshot() == before, "a refused command changed the store"
            return
        assert allowed, f"{type(command).__name__} accepted in {self.model[request_id]}"

    @precondition(lambda self: len(self.model) < 4)
    @rule(target=requests)
    def register(self) -> str:
        request_id = self.desk.handle(RegisterRequest(requester=requester(), need="leak")).id
        assert request_id is not None
        self.model[request_id] = Model()
        return request_id

    @rule(minutes=st.integers(0, 600))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    @rule(
        request_id=requests,
        kind=st.sampled_from(sorted(ALLOWED_FROM, key=lambda c: c.__name__)),
        urgency=st.sampled_from(Urgency),
    )
    def any_command(self, request_id: str, kind: type[Command], urgency: Urgency) -> None:
        self.plain(request_id, kind, urgency)

    @rule(request_id=requests, data=st.data(), steps=st.integers(1, 8))
    def progress(self, request_id: str, data: st.DataObject, steps: int) -> None:
        """Legal steps forward, so that deep states (rework, accepted) are reached."""
        for _ in range(steps):
            self.step_forward(request_id, data)

    def step_forward(self, request_id: str, data: st.DataObject) -> None:
        status = self.model[request_id].status
        forward: dict[Status, list[type[Command]]] = {
            S.REGISTERED: [TriageRequest],
            S.TRIAGED: [DispatchRequest],
            S.DISPATCHED: [StartWork, DispatchRequest],
            S.IN_PROGRESS: [CompleteWork, AddExtraFee],
            S.COMPLETED: [AcceptWork, RejectWork],
            S.REWORK: [StartWork, DispatchRequest],
            S.ACCEPTED: [CloseRequest],
        }
        if status not in forward:
            return
        kind = data.draw(st.sampled_from([*forward[status], Command]), label="step")
        if kind is Command:  # a probe: any command at all, legal or not, in this deep state
            kinds = sorted(ALLOWED_FROM, key=lambda c: c.__name__)
            self.plain(request_id, data.draw(st.sampled_from(kinds)), Urgency.URGENT)
        elif kind is DispatchRequest:
            self.dispatch(request_id, data.draw(st.integers(0, 1), label="worker"))
        elif kind is AddExtraFee:
            consent = f"p{len(self.model[request_id].consents)}"
            self.consent(request_id, consent, 50)
            self.extra_fee(request_id, consent, data.draw(st.integers(1, 60), label="yuan"))
        else:
            self.plain(request_id, kind, Urgency.ORDINARY)

    def plain(self, request_id: str, kind: type[Command], urgency: Urgency) -> None:
        model = self.model[request_id]
        allowed = model.status in ALLOWED_FROM[kind]
        arguments: dict[str, object] = {"request_id": request_id}
        if kind in (CancelRequest, DeclineRequest, RejectWork):
            arguments["reason"] = "because"
        if kind is AcceptWork:
            arguments["signed_by"] = "Chen"
        if kind in (AcceptWork, RejectWork):
            arguments["evidence"] = IN_PERSON
        if kind is TriageRequest:
            arguments.update(item_id=self.item, urgency=urgency)
        self.attempt(request_id, kind(**arguments), allowed)
        if allowed:
            model.status = {
                StartWork: S.IN_PROGRESS,
                CompleteWork: S.COMPLETED,
                AcceptWork: S.ACCEPTED,
                RejectWork: S.REWORK,
                CloseRequest: S.CLOSED,
                CancelRequest: S.CANCELLED,
                DeclineRequest: S.DECLINED,
                TriageRequest: S.TRIAGED,
            }[kind]

    @rule(request_id=requests, worker=st.integers(0, 1))
    def dispatch(self, request_id: str, worker: int) -> None:
        model = self.model[request_id]
        worker_id = self.workers[worker]
        allowed = model.status in (S.TRIAGED, S.REWORK) or (
            model.status is S.DISPATCHED and model.worker != worker_id
        )
        self.attempt(
            request_id, DispatchRequest(request_id=request_id, worker_id=worker_id), allowed
        )
        if allowed:
            model.status, model.worker = S.DISPATCHED, worker_id

    @rule(request_id=requests, consent=st.sampled_from(["a", "b", "c"]), yuan=st.integers(1, 99))
    def consent(self, request_id: str, consent: str, yuan: int) -> None:
        model = self.model[request_id]
        allowed = (
            model.status in (S.DISPATCHED, S.IN_PROGRESS, S.REWORK)
            and consent not in model.consents
        )
        command = RecordConsent(
            request_id=request_id,
            consent_id=consent,
            kind=ConsentKind.EXTRA_FEE,
            description="extra part",
            amount=Money.of(yuan),
            evidence=IN_PERSON,
        )
        self.attempt(request_id, command, allowed)
        if allowed:
            model.consents[consent] = Money.of(yuan)

    @rule(
        request_id=requests, consent=st.sampled_from(["a", "b", "c", "z"]), yuan=st.integers(1, 99)
    )
    def extra_fee(self, request_id: str, consent: str, yuan: int) -> None:
        model = self.model[request_id]
        agreed = model.consents.get(consent)
        allowed = (
            model.status is S.IN_PROGRESS
            and agreed is not None
            and consent not in model.used
            and Money.of(yuan) <= agreed
        )
        command = AddExtraFee(
            request_id=request_id, consent_id=consent, amount=Money.of(yuan), description="part"
        )
        self.attempt(request_id, command, allowed)
        if allowed:
            model.used.add(consent)

    @invariant()
    def histories_follow_the_rules(self) -> None:
        for request_id, model in self.model.items():
            history = self.desk.queries.request_history(request_id)
            first, *later = history
            replayed = r.ServiceRequest.created(first)
            consents: set[str] = set()
            rejected_since_accept = False
            for event in later:
                before = replayed.status
                replayed.apply(event)
                after = replayed.status
                moved = after is not before or isinstance(event, r.WorkOrderDispatched)
                if moved and not isinstance(event, r.RequestRegistered):
                    assert after in r.TRANSITIONS[before], f"{before} -> {after}"
                if isinstance(event, r.ConsentRecorded):
                    consents.add(event.consent.id)
                if isinstance(event, r.ExtraFeeAdded):
                    assert event.fee.consent_id in consents
                if isinstance(event, r.WorkRejected):
                    rejected_since_accept = True
                if isinstance(event, r.WorkAccepted):
                    rejected_since_accept = False
                if isinstance(event, r.RequestClosed):
                    assert not rejected_since_accept
            assert replayed.status is model.status
            with self.store.unit_of_work() as uow:
                stored = uow.requests.get(RequestId(request_id))
            replayed.version = stored.version
            assert replayed == stored

    def teardown(self) -> None:
        verdict = self.desk.records.verify()
        assert verdict.ok, verdict


Lifecycle.TestCase.settings = settings(
    max_examples=80,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLifecycle = Lifecycle.TestCase


PATHS: dict[Status, list[str]] = {
    S.REGISTERED: [],
    S.TRIAGED: ["triage"],
    S.DECLINED: ["decline"],
    S.CANCELLED: ["cancel"],
    S.DISPATCHED: ["triage", "dispatch"],
    S.IN_PROGRESS: ["triage", "dispatch", "start"],
    S.COMPLETED: ["triage", "dispatch", "start", "complete"],
    S.REWORK: ["triage", "dispatch", "start", "complete", "reject"],
    S.ACCEPTED: ["triage", "dispatch", "start", "complete", "accept"],
    S.CLOSED: ["triage", "dispatch", "start", "complete", "accept", "close"],
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("kind", sorted(ALLOWED_FROM, key=lambda c: c.__name__))
def test_every_command_in_every_state(status: Status, kind: type[Command]) -> None:
    """Exhaustively: a command succeeds exactly in the states the machine allows."""
    machine = Lifecycle()
    request_id = machine.register()
    steps = {
        "triage": lambda: machine.plain(request_id, TriageRequest, Urgency.URGENT),
        "decline": lambda: machine.plain(request_id, DeclineRequest, Urgency.URGENT),
        "cancel": lambda: machine.plain(request_id, CancelRequest, Urgency.URGENT),
        "dispatch": lambda: machine.dispatch(request_id, 0),
        "start": lambda: machine.plain(request_id, StartWork, Urgency.URGENT),
        "complete": lambda: machine.plain(request_id, CompleteWork, Urgency.URGENT),
        "reject": lambda: machine.plain(request_id, RejectWork, Urgency.URGENT),
        "accept": lambda: machine.plain(request_id, AcceptWork, Urgency.URGENT),
        "close": lambda: machine.plain(request_id, CloseRequest, Urgency.URGENT),
    }
    for step in PATHS[status]:
        steps[step]()
    assert machine.model[request_id].status is status
    machine.plain(request_id, kind, Urgency.URGENT)  # asserts success == model's verdict
    machine.histories_follow_the_rules()
