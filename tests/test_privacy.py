"""Personal data stays out of logs, error messages, reprs and masked exports."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from servicedesk import (
    AcceptWork,
    Actor,
    ActorId,
    AddExtraFee,
    CloseRequest,
    CompleteWork,
    Contact,
    Desk,
    DispatchRequest,
    RegisterRequest,
    Requester,
    Role,
    StartWork,
    TriageRequest,
    convert,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.app.records.commands import (
    ClaimFoundItem,
    EraseRequester,
    GiveFoundItemToFinder,
    LogFoundItem,
    PurgeExpired,
)
from servicedesk.domain.errors import ServiceDeskError
from servicedesk.domain.lost_found import Finder
from servicedesk.domain.privacy import ERASED, scrub
from servicedesk.testing import IN_PERSON
from support import CENTRE_MANAGER, CLERK, DESK_CLERK, Clock, hire, publish
from support import CENTRE_MANAGER as RECORDS_KEEPER

NAME, UNIT, PHONE = "Ouyang Mingyue", "7-1203", "13712345678"
FINDER, FINDER_PHONE = "Situ Xiaohong", "13698765432"
ID_NUMBER = "11010519491231002X"
SECRETS = (NAME, "Ouyang", "Mingyue", UNIT, PHONE, FINDER, FINDER_PHONE, ID_NUMBER)


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_a_full_scenario_leaks_nothing_into_logs_or_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="servicedesk")
    clock = Clock()
    desk = Desk(MemoryStore(), clock=clock, entry_points=False)
    errors: list[ServiceDeskError] = []

    def attempt(action: Callable[[], Any]) -> None:
        try:
            action()
        except ServiceDeskError as error:
            errors.append(error)

    person = Requester(NAME, UNIT, Contact(PHONE))
    item_id = publish(desk)
    hire(desk)
    request_id = desk.handle(RegisterRequest(requester=person, need="tap drips")).id
    assert request_id is not None
    outsider = Actor(ActorId("w-1"), "Worker", {Role.WORKER})
    attempt(lambda: desk.handle(RegisterRequest(requester=person, need="x"), actor=outsider))
    attempt(lambda: desk.handle(RegisterRequest(requester=person, need=" ")))
    attempt(lambda: desk.handle(RegisterRequest(requester=person, need="x", request_id=request_id)))
    attempt(lambda: Requester(NAME, UNIT, Contact(NAME)))
    for command in (
        TriageRequest(request_id=request_id, item_id=item_id, urgency="urgent"),
        DispatchRequest(request_id=request_id),
        StartWork(request_id=request_id),
        CompleteWork(request_id=request_id),
    ):
        desk.handle(command, actor=CLERK)
    attempt(
        lambda: desk.handle(
            AddExtraFee(request_id=request_id, consent_id="c", amount="5", description="x")  # type: ignore[arg-type]
        )
    )
    desk.handle(AcceptWork(request_id=request_id, signed_by=NAME, evidence=IN_PERSON), actor=CLERK)
    attempt(
        lambda: desk.handle(
            AcceptWork(request_id=request_id, signed_by=NAME, evidence=IN_PERSON), actor=DESK_CLERK
        )
    )
    desk.handle(CloseRequest(request_id=request_id))
    found = desk.handle(
        LogFoundItem(
            description="purse",
            place="lobby",
            valuable=True,
            finder=Finder(FINDER, Contact(FINDER_PHONE)),
        )
    ).id
    assert found is not None
    attempt(lambda: desk.handle(GiveFoundItemToFinder(item_id=found), actor=CENTRE_MANAGER))
    attempt(
        lambda: desk.handle(
            ClaimFoundItem(
                item_id=found, claimant_name=NAME, document="resident_id", document_number="1"
            )
        )
    )
    desk.handle(
        ClaimFoundItem(
            item_id=found,
            claimant_name=NAME,
            claimant_phone=PHONE,
            document="resident_id",
            document_number=ID_NUMBER,
        ),
        actor=CLERK,
    )
    exports = [
        desk.records.archive_json(request_id),
        desk.records.requester_export(PHONE),
        convert.unstructure(desk.records.trail()),
    ]
    reprs = [
        desk.queries.request(request_id),
        desk.queries.request_history(request_id),
        desk.records.trail(),
        desk.records.archive(request_id),
        person,
        AcceptWork(request_id=request_id, signed_by=NAME, evidence=IN_PERSON),
        ClaimFoundItem(item_id=found, claimant_name=NAME, document="id", document_number=ID_NUMBER),
    ]
    clock.advance(days=4 * 365)
    desk.handle(PurgeExpired())
    attempt(lambda: desk.handle(EraseRequester(phone=PHONE), actor=RECORDS_KEEPER))
    attempt(lambda: desk.handle(EraseRequester(phone="13000000000"), actor=RECORDS_KEEPER))

    assert len(errors) >= 7
    assert not leaks(caplog.text)
    for log_record in caplog.records:
        assert not leaks(log_record.getMessage())
    for error in errors:
        assert not leaks(str(error)), type(error).__name__
    for export in exports:
        assert not leaks(json.dumps(export, default=str))
    for value in reprs:
        assert not leaks(repr(value))
    after = desk.records.requester_export(PHONE, reveal=True, actor=RECORDS_KEEPER)
    assert after == {"records": []}, "after the purge nothing is held about the requester"


def test_reveal_gives_the_requester_their_own_data() -> None:
    desk = Desk(MemoryStore(), clock=Clock(), entry_points=False)
    person = Requester(NAME, UNIT, Contact(PHONE))
    desk.handle(RegisterRequest(requester=person, need="tap"))
    masked = json.dumps(desk.records.requester_export(PHONE))
    revealed = json.dumps(desk.records.requester_export(PHONE, reveal=True, actor=RECORDS_KEEPER))
    assert not leaks(masked)
    assert NAME in revealed
    assert PHONE in revealed
    assert UNIT in revealed
    assert "137****5678" in masked


def test_scrub_replaces_personal_data_and_nothing_else() -> None:
    person = Requester(NAME, UNIT, Contact(PHONE))
    command = RegisterRequest(requester=person, need="tap drips")
    scrubbed = scrub(command)
    assert scrubbed.need == ERASED  # free text a person typed is personal too
    assert not leaks(repr(convert.unstructure(scrubbed)))
    assert scrub(scrubbed) == scrubbed
    plain = TriageRequest(request_id="r-1", item_id="i-1")
    assert scrub(plain) is plain, "nothing personal: the very same object"


def test_a_number_is_one_key_however_it_is_spelled_and_masks_as_before() -> None:
    from servicedesk.domain.privacy import normalised_phone, subject_key
    from servicedesk.domain.values import Contact

    spellings = ("13800138000", "138 0013 8000", "+86 138-0013-8000", "+8613800138000")
    assert {normalised_phone(p) for p in spellings} == {"+8613800138000"}
    assert len({subject_key(p) for p in spellings}) == 1
    assert subject_key("13911112222") != subject_key("13800138000")
    assert "138****8000" in repr(Contact("13800138000"))
