"""Lost and found, and the archive of a closed job."""

from __future__ import annotations

import json
from datetime import timedelta

import attrs
import pytest

from servicedesk import (
    WIRING,
    AcceptWork,
    Actor,
    ActorId,
    CloseRequest,
    CompleteWork,
    Contact,
    Desk,
    DispatchRequest,
    MemoryStore,
    Money,
    RegisterRequest,
    RejectWork,
    Role,
    StartWork,
    TriageRequest,
    convert,
)
from servicedesk.app.records.commands import (
    ClaimFoundItem,
    GiveFoundItemToFinder,
    LogFoundItem,
    PurgeExpired,
)
from servicedesk.app.records.ports import SettlementVoucher
from servicedesk.app.records.queries import JobArchive
from servicedesk.domain.errors import (
    ApprovalRefused,
    IllegalTransition,
    InvalidValue,
    PermissionDenied,
)
from servicedesk.domain.lost_found import Finder, FoundItemId, FoundItemStatus
from servicedesk.domain.retention import RecordKind
from servicedesk.domain.values import RequestId
from servicedesk.testing import IN_PERSON
from support import BRANCH_MANAGER, CENTRE_MANAGER, CLERK, Clock, hire, publish, requester


def log_item(desk: Desk, valuable: bool = False, finder: Finder | None = None) -> str:
    finder = finder or Finder("Liu Yang", Contact("13900001111"))
    item_id = desk.handle(
        LogFoundItem(description="umbrella", place="lobby", valuable=valuable, finder=finder),
        actor=CLERK,
    ).id
    assert item_id is not None
    return item_id


@pytest.mark.parametrize(("valuable", "days"), [(False, 90), (True, 365)])
def test_items_are_kept_for_the_policy_period(
    desk: Desk, clock: Clock, valuable: bool, days: int
) -> None:
    item_id = log_item(desk, valuable)
    [view] = desk.records.found_items_kept()
    assert view.id == item_id
    assert view.valuable is valuable
    assert view.keep_until == clock.now + timedelta(days=days)


def test_a_claim_records_the_identity_check_but_never_the_whole_number(
    desk: Desk, store: MemoryStore
) -> None:
    item_id = log_item(desk)
    desk.handle(
        ClaimFoundItem(
            item_id=item_id,
            claimant_name="Chen Jie",
            document="resident_id",
            document_number="110105194912310021",
        ),
        actor=CLERK,
    )
    assert desk.records.found_items_kept() == []
    with store.unit_of_work() as uow:
        item = uow.found_items.get(FoundItemId(item_id))
    assert item.status is FoundItemStatus.CLAIMED
    assert item.claimant is not None
    assert item.claimant.identity is not None
    assert (item.claimant.identity.last_four, item.claimant.identity.checked_by) == (
        "0021",
        CLERK.id,
    )
    assert "110105194912310021" not in str(store.snapshot())
    record = desk.records.file("found_item", item_id)
    assert record.closed_at is not None
    assert RecordKind.LOST_PROPERTY in record.forms


def test_a_purge_erases_finder_and_claimant_of_a_found_item(
    desk: Desk, clock: Clock, store: MemoryStore
) -> None:
    item_id = log_item(desk)
    desk.handle(
        ClaimFoundItem(
            item_id=item_id,
            claimant_name="Chen Jie",
            claimant_phone="13800138000",
            document="resident_id",
            document_number="110105194912310021",
        ),
        actor=CLERK,
    )
    assert len(desk.records.requester_export("13800138000")["records"]) == 1
    assert len(desk.records.requester_export("13900001111")["records"]) == 1
    clock.advance(days=366)
    assert desk.handle(PurgeExpired()).id == "1"
    text = str(store.snapshot())
    for secret in ("Liu Yang", "13900001111", "Chen Jie", "13800138000"):
        assert secret not in text
    with store.unit_of_work() as uow:
        item = uow.found_items.get(FoundItemId(item_id))
    assert item.status is FoundItemStatus.CLAIMED
    assert item.description == "umbrella"
    assert item.claimant is not None
    assert item.claimant.identity is not None
    assert item.claimant.identity.last_four == "[erased]"
    assert desk.records.requester_export("13800138000") == {"records": []}
    assert desk.records.verify().ok


def test_unclaimed_items_go_to_the_finder_after_the_period_with_a_managers_approval(
    desk: Desk, clock: Clock, store: MemoryStore
) -> None:
    staff_finder = Finder("Zhou", staff=CENTRE_MANAGER.id)
    item_id = log_item(desk, finder=staff_finder)
    before = store.snapshot()
    with pytest.raises(IllegalTransition, match="kept until"):
        desk.handle(GiveFoundItemToFinder(item_id=item_id), actor=BRANCH_MANAGER)
    assert store.snapshot() == before
    clock.advance(days=91)
    with pytest.raises(PermissionDenied):
        desk.handle(GiveFoundItemToFinder(item_id=item_id), actor=CLERK)
    with pytest.raises(PermissionDenied):
        desk.handle(GiveFoundItemToFinder(item_id=item_id))
    with pytest.raises(ApprovalRefused, match="cannot approve giving"):
        desk.handle(GiveFoundItemToFinder(item_id=item_id), actor=CENTRE_MANAGER)
    desk.handle(GiveFoundItemToFinder(item_id=item_id), actor=BRANCH_MANAGER)
    with pytest.raises(IllegalTransition, match="given to finder"):
        desk.handle(
            ClaimFoundItem(
                item_id=item_id, claimant_name="Chen", document="id", document_number="1234567"
            )
        )


def test_bad_lost_and_found_input_is_refused_and_stores_nothing(
    desk: Desk, store: MemoryStore
) -> None:
    item_id = log_item(desk)
    before = store.snapshot()
    with pytest.raises(InvalidValue, match="looks incomplete"):
        desk.handle(
            ClaimFoundItem(
                item_id=item_id, claimant_name="Chen", document="id", document_number="12"
            )
        )
    with pytest.raises(InvalidValue, match="place must not be empty"):
        desk.handle(LogFoundItem(description="key", place="", valuable=False, finder=Finder("Liu")))
    with pytest.raises(InvalidValue, match="finder name must not be empty"):
        Finder(" ")
    with pytest.raises(InvalidValue, match="claimant name must not be empty"):
        ClaimFoundItem(item_id=item_id, claimant_name="", document="id", document_number="1234")
    assert store.snapshot() == before


# --- archive -------------------------------------------------------------------------------------


def closed_job(desk: Desk, clock: Clock) -> str:
    item_id = publish(desk)
    hire(desk)
    request_id = desk.handle(RegisterRequest(requester=requester(), need="tap")).id
    assert request_id is not None
    for command in (
        TriageRequest(request_id=request_id, item_id=item_id, urgency="urgent"),
        DispatchRequest(request_id=request_id),
        StartWork(request_id=request_id),
        CompleteWork(request_id=request_id),
        RejectWork(request_id=request_id, reason="still drips", evidence=IN_PERSON),
        StartWork(request_id=request_id),
        CompleteWork(request_id=request_id),
        AcceptWork(request_id=request_id, signed_by="Chen Jie", evidence=IN_PERSON),
        CloseRequest(request_id=request_id),
    ):
        clock.advance(minutes=20)
        desk.handle(command, actor=CLERK)
    return request_id


def test_a_closed_job_is_one_archive_record_exportable_as_json(desk: Desk, clock: Clock) -> None:
    request_id = closed_job(desk, clock)
    archive = desk.records.archive(request_id)
    assert archive.request_form.requester == requester()
    assert archive.request_form.price == Money.of("30.00")
    assert len(archive.work_orders) == 1
    assert archive.feedback.rejections == ("still drips",)
    assert archive.feedback.signed_by == "Chen Jie"
    assert archive.record_file is not None
    assert archive.record_file.closed_at == clock.now
    assert convert.structure(convert.unstructure(archive), JobArchive) == archive
    exported = json.dumps(desk.records.archive_json(request_id))
    assert "Chen" not in exported
    assert "13800138000" not in exported
    assert '"amount": "30.00"' in exported


def test_an_open_job_has_no_archive_yet(desk: Desk) -> None:
    request_id = desk.handle(RegisterRequest(requester=requester(), need="tap")).id
    with pytest.raises(IllegalTransition, match="only a closed job is archived"):
        desk.records.archive(request_id)  # type: ignore[arg-type]


def test_settlement_vouchers_join_the_archive_through_the_extension_point(
    store: MemoryStore, clock: Clock
) -> None:
    def vouchers(_uow: object, request_id: RequestId) -> list[SettlementVoucher]:
        return [SettlementVoucher(f"v-{request_id}", Money.of("30.00"), clock.now)]

    wiring = attrs.evolve(WIRING, voucher_sources=(vouchers,))
    desk = Desk(store, wiring=wiring, clock=clock, entry_points=False)
    request_id = closed_job(desk, clock)
    [voucher] = desk.records.archive(request_id).settlement_vouchers
    assert voucher.total == Money.of("30.00")
    assert desk.records.archive_json(request_id)["settlement_vouchers"][0]["id"] == voucher.id


def test_an_auditor_reads_but_does_not_act(desk: Desk) -> None:
    auditor = Actor(ActorId("aud"), "Qian", {Role.AUDITOR})
    with pytest.raises(PermissionDenied):
        desk.handle(RegisterRequest(requester=requester(), need="x"), actor=auditor)
    assert desk.records.verify().ok
