"""Subscribers run after the commit; one that raises cannot break a command that is stored."""

from __future__ import annotations

import logging

import pytest

from servicedesk import Contact, Desk, MemoryStore, RegisterRequest, Requester
from servicedesk.domain.events import Event
from servicedesk.domain.privacy import scrub

PHONE = "13912345678"


class GatewayDown(Exception):
    pass


def sms_gateway(event: Event) -> None:
    raise GatewayDown(f"could not text {PHONE} about {event!r}")  # the text names the person


def test_a_subscriber_that_raises_is_logged_and_every_subscriber_gets_every_event(
    caplog: pytest.LogCaptureFixture,
) -> None:
    desk = Desk(MemoryStore(), entry_points=False)
    before: list[Event] = []
    after: list[Event] = []
    desk.subscribe(before.append)
    desk.subscribe(sms_gateway)
    desk.subscribe(after.append)
    form = RegisterRequest(requester=Requester("Chen Jing", "3-502", Contact(PHONE)), need="tap")
    with caplog.at_level(logging.INFO, logger="servicedesk"):
        outcome = desk.handle(form, idempotency_key="form-1")
        again = desk.handle(form, idempotency_key="form-1")  # the caller's retry changes nothing
    assert outcome.events
    assert before == after == list(outcome.events)
    # the retry changes nothing and returns the same record; the key keeps no one's data
    assert again.id == outcome.id
    assert list(again.events) == [scrub(event) for event in outcome.events]
    assert [v.id.value for v in desk.queries.open_requests()] == [outcome.id]
    assert [f.event for f in desk.events.since()] == list(outcome.events)
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == len(outcome.events)
    message = failures[0].getMessage()
    assert "sms_gateway" in message
    assert "GatewayDown" in message
    assert "RequestRegistered" in message
    logged = " ".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    assert PHONE not in logged
    assert "Chen" not in logged
    assert "3-502" not in logged
