"""Enquiries on every store: taken, handed over, answered or referred, listed, overdue, erased
(desk work by the system actor, so that the permission table is not what these tests are
about)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from contract_scenario import SHANGHAI, Clock, desk

from servicedesk import ActorId, Contact
from servicedesk.app.enquiries.commands import (
    AnswerEnquiry,
    HandOverEnquiry,
    ReferEnquiry,
    TakeEnquiry,
)
from servicedesk.app.enquiries.lists import EnquiryFilter
from servicedesk.app.records.commands import EraseRequester, PurgeExpired
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.enquiries import EnquiryId, EnquiryKind, EnquiryStatus, ReferralTarget
from servicedesk.domain.errors import ConcurrencyConflict, NotFound
from servicedesk.domain.privacy import ERASED
from support import CENTRE_MANAGER

MONDAY = datetime(2026, 3, 9, 10, tzinfo=SHANGHAI)  # a working Monday


def take(
    d: object, enquiry_id: str, kind: str = "consultation", phone: str = "13900139000"
) -> None:
    d.handle(  # type: ignore[attr-defined]
        TakeEnquiry(
            enquiry_id=enquiry_id,
            kind=kind,
            asker_name="Zhang San",
            question="When are you open?",
            contact=Contact(phone),
            channel="hotline",
        )
    )


def test_an_enquiry_is_kept_and_found_again(store: Store) -> None:
    clock = Clock(MONDAY)
    d = desk(store, clock)
    take(d, "e-1")
    d.handle(HandOverEnquiry(enquiry_id="e-1", to="clerk-2", reason="knows the hours"))
    view = d.enquiries.enquiry("e-1")
    assert view.owner.value == "clerk-2"
    assert view.handovers[0].to_owner.value == "clerk-2"
    assert view.contact == Contact("13900139000")
    assert view.due == MONDAY.replace(day=10, hour=17)
    assert [type(e).__name__ for e in d.enquiries.history("e-1")] == [
        "EnquiryTaken",
        "EnquiryHandedOver",
    ]
    with pytest.raises(NotFound):
        d.enquiries.enquiry("e-2")


def test_the_overdue_search_and_the_page_agree_on_every_store(store: Store) -> None:
    clock = Clock(MONDAY)
    d = desk(store, clock)
    for n in range(5):
        clock.now = MONDAY + timedelta(minutes=n)
        take(d, f"e-{n}", kind="consultation" if n % 2 else "suggestion")
    late = MONDAY + timedelta(days=2)
    clock.now = late
    d.handle(AnswerEnquiry(enquiry_id="e-1", answer="9 to 5"))
    d.handle(ReferEnquiry(enquiry_id="e-3", to="department", department="Civil affairs"))
    overdue = [v.id.value for v in d.enquiries.overdue()]
    assert overdue == []  # the suggestions have five working days, e-1 and e-3 are done
    clock.now = late + timedelta(days=14)
    assert [v.id.value for v in d.enquiries.overdue()] == ["e-0", "e-2", "e-4"]
    page = d.enquiries.enquiries_page(EnquiryFilter(overdue=True), limit=2)
    assert [r.id.value for r in page.items] == ["e-0", "e-2"]
    rest = d.enquiries.enquiries_page(EnquiryFilter(overdue=True), limit=2, cursor=page.next_cursor)
    assert [r.id.value for r in rest.items] == ["e-4"]
    answered = d.enquiries.enquiry("e-1")
    assert answered.status is EnquiryStatus.ANSWERED
    assert answered.breach is not None  # answered after its one working day
    referred = d.enquiries.enquiry("e-3")
    assert referred.referral is not None
    assert referred.referral.target is ReferralTarget.DEPARTMENT
    kinds = d.enquiries.enquiries_page(
        EnquiryFilter(kind=EnquiryKind.CONSULTATION, status=frozenset({EnquiryStatus.OPEN}))
    )
    assert [r.id.value for r in kinds.items] == []
    counted = d.enquiries.enquiries_page(with_count=True, sort="id", descending=True)
    assert counted.count == 5
    assert [r.id.value for r in counted.items] == ["e-4", "e-3", "e-2", "e-1", "e-0"]


def test_an_erasure_request_takes_the_askers_data_out_on_every_store(store: Store) -> None:
    d = desk(store, Clock(MONDAY))
    take(d, "e-1", phone="13900139000")
    take(d, "e-2", phone="13700137000")
    d.handle(AnswerEnquiry(enquiry_id="e-1", answer="see the notice board"))
    d.handle(EraseRequester(phone="13900139000"), actor=CENTRE_MANAGER)
    erased, kept = d.enquiries.enquiry("e-1"), d.enquiries.enquiry("e-2")
    assert (erased.asker_name, erased.question, erased.answer) == (ERASED, ERASED, ERASED)
    assert kept.asker_name == "Zhang San"
    assert erased.id == EnquiryId("e-1")
    assert erased.status is EnquiryStatus.ANSWERED


def test_the_purge_takes_the_askers_data_out_once_its_period_ends_on_every_store(
    store: Store,
) -> None:
    clock = Clock(MONDAY)
    d = desk(store, clock)
    take(d, "e-1")
    take(d, "e-2")
    d.handle(AnswerEnquiry(enquiry_id="e-1", answer="see the notice board"))
    clock.now = MONDAY + timedelta(days=366)
    d.handle(PurgeExpired(), actor=CENTRE_MANAGER)
    purged, open_one = d.enquiries.enquiry("e-1"), d.enquiries.enquiry("e-2")
    assert (purged.asker_name, purged.question, purged.answer) == (ERASED, ERASED, ERASED)
    assert purged.contact is not None
    assert purged.contact.phone != "13900139000"
    assert open_one.asker_name == "Zhang San"  # still open: its period has not started
    first = d.enquiries.history("e-1")[0]
    assert getattr(first, "asker_name", None) == ERASED


# SQLite takes its write lock when a unit of work begins, so its second writer waits instead
# of racing (tests/contract/test_contract_transactions.py says the same).
@pytest.mark.parametrize("store", ["memory", "postgresql", "mariadb"], indirect=True)
def test_two_hand_overs_of_one_enquiry_at_once_let_one_through(store: Store) -> None:
    d = desk(store, Clock(MONDAY))
    take(d, "e-1")
    with store.unit_of_work() as first, store.unit_of_work() as second:
        a = first.enquiries.get(EnquiryId("e-1"))
        b = second.enquiries.get(EnquiryId("e-1"))
        a.hand_over(to=ActorId("x"), by=a.owner, reason="r", at=MONDAY)
        b.hand_over(to=ActorId("y"), by=b.owner, reason="r", at=MONDAY)
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    assert d.enquiries.enquiry("e-1").owner.value == "x"
