"""Plain data in and out: events, commands and views survive JSON unchanged."""

from __future__ import annotations

import json

import pytest

from servicedesk import (
    AcceptWork,
    AddExtraFee,
    CloseRequest,
    CompleteWork,
    ConsentKind,
    Desk,
    DispatchRequest,
    Money,
    RecordConsent,
    RegisterRequest,
    RejectWork,
    StartWork,
    TriageRequest,
    convert,
)
from servicedesk.app.bootstrap import command_types as all_command_types
from servicedesk.app.requests.queries import RequestView
from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.events import Event
from servicedesk.testing import IN_PERSON
from support import CLERK, Clock, hire, publish, requester


def full_history(desk: Desk, clock: Clock) -> str:
    item_id = publish(desk)
    hire(desk)
    request_id = desk.handle(RegisterRequest(requester=requester(), need="tap")).id
    assert request_id is not None
    for command in (
        TriageRequest(request_id=request_id, item_id=item_id),
        DispatchRequest(request_id=request_id),
        StartWork(request_id=request_id),
        RecordConsent(
            request_id=request_id,
            consent_id="c1",
            kind=ConsentKind.EXTRA_FEE,
            description="valve",
            amount=Money.of("12.50"),
            evidence=IN_PERSON,
        ),
        AddExtraFee(
            request_id=request_id, consent_id="c1", amount=Money.of("12.50"), description="valve"
        ),
        CompleteWork(request_id=request_id),
        RejectWork(request_id=request_id, reason="drips", evidence=IN_PERSON),
        StartWork(request_id=request_id),
        CompleteWork(request_id=request_id),
        AcceptWork(request_id=request_id, signed_by="Chen", evidence=IN_PERSON),
        CloseRequest(request_id=request_id),
    ):
        clock.advance(hours=3)
        desk.handle(command, actor=CLERK)
    return request_id


def test_every_event_round_trips_through_json(desk: Desk, clock: Clock) -> None:
    request_id = full_history(desk, clock)
    history = desk.queries.request_history(request_id)
    assert len(history) >= 11
    for event in history:
        text = json.dumps(convert.unstructure(event))
        back = convert.structure(json.loads(text), Event)  # type: ignore[type-abstract]
        assert back == event
        assert json.loads(text)["type"] == type(event).__name__


def test_views_and_commands_are_plain_data(desk: Desk, clock: Clock) -> None:
    request_id = full_history(desk, clock)
    view = desk.queries.request(request_id)
    data = json.loads(json.dumps(convert.unstructure(view)))
    assert data["extra_fees"] == {"amount": "12.50", "currency": "CNY"}
    assert data["requester"]["name"] == "Chen Jie"  # the UI's own data; repr masks it
    assert convert.structure(data, RequestView) == view
    command = convert.structure(
        {"request_id": request_id, "item_id": "i-1", "urgency": "urgent", "quantity": "2"},
        all_command_types()["TriageRequest"],
    )
    assert command == TriageRequest(
        request_id=request_id, item_id="i-1", urgency="urgent", quantity="2"
    )


def test_bad_plain_data_is_a_typed_error() -> None:
    triage = all_command_types()["TriageRequest"]
    with pytest.raises(InvalidValue, match="urgency"):
        convert.structure({"request_id": "r", "item_id": "i", "urgency": "asap"}, triage)
    with pytest.raises(InvalidValue, match="not floats"):
        convert.structure({"amount": 1.5, "currency": "CNY"}, Money)
    with pytest.raises(InvalidValue, match="Unknown event type"):
        convert.structure({"type": "Nope", "at": "2026-01-01T00:00:00+08:00"}, Event)  # type: ignore[type-abstract]
