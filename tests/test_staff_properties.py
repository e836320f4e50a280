"""Hypothesis: with a roster, dispatch never picks an unqualified or off-duty worker, and
picks someone whenever anyone fit is there (rules staff.qualified-dispatch, staff.duty-roster,
staff.no-roster)."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicedesk import (
    Desk,
    DispatchRequest,
    RecordQualification,
    RecordTraining,
    RegisterRequest,
    RegisterWorker,
    RosterShift,
    SetItemRequirement,
    TriageRequest,
    Urgency,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.domain.errors import IllegalTransition
from support import ASSISTANT, MONDAY_0930, Clock, publish, requester

NOW = MONDAY_0930
TODAY = NOW.date()


@attrs.frozen
class Someone:
    contractor: bool
    #: Days from today the certificate is valid until (negative: expired); None: none held.
    certificate: int | None
    trained: bool
    #: Shifts as (start, length) in hours from now.
    shifts: tuple[tuple[int, int], ...]


people = st.builds(
    Someone,
    contractor=st.booleans(),
    certificate=st.one_of(st.none(), st.integers(-3, 3)),
    trained=st.booleans(),
    shifts=st.lists(st.tuples(st.integers(-30, 30), st.integers(1, 12)), max_size=2).map(tuple),
)


def fit(person: Someone, *, required: bool, rostered: bool) -> bool:
    if required and (person.certificate is None or person.certificate < 0):
        return False
    if not rostered or person.contractor:
        return True
    on_shift = any(start <= 0 < start + length for start, length in person.shifts)
    return on_shift and person.trained


def build(desk: Desk, team: list[Someone], required: bool) -> tuple[str, bool]:
    item_id = publish(desk, name="Socket repair", category="electrical")
    if required:
        desk.handle(
            SetItemRequirement(item_id=item_id, qualifications={"electrician"}), actor=ASSISTANT
        )
    rostered = False
    for n, person in enumerate(team):
        worker_id = f"w{n}"
        kind = "contractor" if person.contractor else "staff"
        desk.handle(
            RegisterWorker(worker_id=worker_id, name=worker_id, skills={"electrical"}, kind=kind)
        )
        if person.certificate is not None:
            until = TODAY + timedelta(days=person.certificate)
            record_certificate(desk, worker_id, until)
        if person.trained:
            desk.handle(
                RecordTraining(
                    staff_id=worker_id, course="pre-duty", on=date(2026, 2, 1), passed=True
                ),
                actor=ASSISTANT,
            )
        taken: list[tuple[int, int]] = []
        for start, length in person.shifts:
            if any(start < s + n_ and s < start + length for s, n_ in taken):
                continue  # his own shifts never overlap: the roster refuses it, so skip it here
            taken.append((start, length))
            desk.handle(
                RosterShift(
                    staff_id=worker_id,
                    start=NOW + timedelta(hours=start),
                    end=NOW + timedelta(hours=start + length),
                ),
                actor=ASSISTANT,
            )
            rostered = True
    return item_id, rostered


def record_certificate(desk: Desk, worker_id: str, until: date) -> None:
    """Record it when it was valid: an expired one ten days before today."""
    clock = desk.clock
    assert isinstance(clock, Clock)
    clock.now = NOW - timedelta(days=10)
    desk.handle(
        RecordQualification(staff_id=worker_id, kind="electrician", number="E", valid_until=until),
        actor=ASSISTANT,
    )
    clock.now = NOW


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(team=st.lists(people, min_size=1, max_size=4), required=st.booleans())
def test_dispatch_never_picks_an_unqualified_or_off_duty_worker(
    team: list[Someone], required: bool
) -> None:
    desk = Desk(MemoryStore(), clock=Clock(NOW), entry_points=False)
    item_id, rostered = build(desk, team, required)
    fits = {f"w{n}" for n, p in enumerate(team) if fit(p, required=required, rostered=rostered)}
    request_id = desk.handle(RegisterRequest(requester=requester(), need="sparks")).id
    assert request_id is not None
    desk.handle(TriageRequest(request_id=request_id, item_id=item_id, urgency=Urgency.URGENT))
    try:
        desk.handle(DispatchRequest(request_id=request_id))
    except IllegalTransition:
        assert not fits
        return
    picked = desk.queries.request(request_id).worker_id
    assert picked is not None
    assert picked.value in fits
