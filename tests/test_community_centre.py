"""The built-in community-centre plugin (便民服务中心): each test is named after its rule
(rule catalogue.free-services, rule time.centre-hours, rule complaints.enquiries, rule
complaints.enquiry-time-limit)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

import pytest

from _casework import CENTRE, CLERK, CLERK_2, HEAD, make_desk, requester, sh
from servicedesk import (
    AnswerEnquiry,
    ApproveFee,
    FeeStandard,
    HandOverEnquiry,
    Money,
    ProposeFeeChange,
    ProposeItem,
    RegisterRequest,
    TakeEnquiry,
    TriageRequest,
)
from servicedesk.domain.catalogue import FeeKind
from servicedesk.domain.deadlines import WorkingBudget
from servicedesk.domain.enquiries import EnquiryKind
from servicedesk.domain.errors import InvalidValue, PermissionDenied, PolicyError
from servicedesk.policies import hookimpl
from servicedesk.policies.community_centre import CommunityCentre
from servicedesk.testing import store_state
from support import BRANCH_MANAGER, CENTRE_MANAGER

TUESDAY = sh(2026, 5, 12, 9)


def community(now=TUESDAY, plugin: CommunityCentre | None = None):  # type: ignore[no-untyped-def]
    return make_desk(now, plugins=(plugin or CommunityCentre(),))


def published_free(desk, item_id: str = "tap-repair") -> str:  # type: ignore[no-untyped-def]
    desk.handle(
        ProposeItem(item_id=item_id, name="Tap repair", category="plumbing", fee=FeeStandard.free())
    )
    desk.handle(ApproveFee(item_id=item_id, role="centre_manager"), actor=CENTRE_MANAGER)
    desk.handle(ApproveFee(item_id=item_id, role="branch_manager"), actor=BRANCH_MANAGER)
    return item_id


@pytest.mark.parametrize(
    "fee",
    [
        FeeStandard.fixed(Money.of("15.00")),
        FeeStandard.per_unit(Money.of("2.00"), "m²"),
        FeeStandard.labour_and_materials(Money.of("10.00")),
        FeeStandard.quote(),
    ],
)
def test_free_services_a_proposal_with_a_price_is_refused(fee: FeeStandard) -> None:
    desk, _clock, store = community()
    before = store_state(store)
    with pytest.raises(InvalidValue) as refused:
        desk.handle(ProposeItem(item_id="haircut", name="Haircut", category="errands", fee=fee))
    assert refused.value.code == "catalogue.invalid"
    assert refused.value.field == "fee"
    assert store_state(store) == before


def test_free_services_a_free_item_is_published_and_costs_nothing() -> None:
    desk, _clock, _store = community()
    item = published_free(desk)
    assert desk.queries.item(item).fee == FeeStandard.free()
    desk.handle(RegisterRequest(request_id="SR-1", requester=requester(1), need="tap drips"))
    desk.handle(TriageRequest(request_id="SR-1", item_id=item))
    price = desk.queries.request("SR-1").price
    assert price is not None
    assert price.is_zero


def test_free_services_a_fee_change_to_a_price_is_refused() -> None:
    desk, _clock, store = community()
    item = published_free(desk)
    before = store_state(store)
    change = ProposeFeeChange(
        item_id=item, fee=FeeStandard.fixed(Money.of("5.00")), reason="costs rose"
    )
    with pytest.raises(InvalidValue):
        desk.handle(change)
    assert store_state(store) == before


def test_free_services_are_the_plugins_a_property_centre_keeps_every_fee_kind() -> None:
    desk, _clock, _store = make_desk(TUESDAY)
    assert desk.policies.fee_kinds() == frozenset(FeeKind)
    desk.handle(
        ProposeItem(item_id="haircut", name="Haircut", category="errands", fee=FeeStandard.quote())
    )


def test_free_services_a_fee_kinds_policy_that_returns_garbage_is_named() -> None:
    class Nothing:
        @hookimpl
        def servicedesk_fee_kinds(self) -> Collection[FeeKind]:
            return ()

    desk, _clock, _store = make_desk(TUESDAY, plugins=(Nothing(),))
    with pytest.raises(PolicyError, match="servicedesk_fee_kinds"):
        desk.handle(ProposeItem(item_id="x", name="X", category="errands", fee=FeeStandard.free()))


def test_centre_hours_deadlines_count_the_centres_own_opening_hours() -> None:
    # 11:50 + 4 working hours: 10 minutes before lunch, 14:00-17:30, then 08:30-08:50 next day
    desk, _clock, _store = community(sh(2026, 5, 12, 11, 50))
    desk.handle(TakeEnquiry(enquiry_id="e-1", kind="consultation", asker_name="A", question="Q"))
    assert desk.enquiries.enquiry("e-1").due == sh(2026, 5, 13, 8, 50)
    # the property office's hours (09:00-12:00, 13:00-17:00) would have made it 16:50
    property_desk, _clock, _store = make_desk(sh(2026, 5, 12, 11, 50))
    property_desk.handle(
        TakeEnquiry(enquiry_id="e-1", kind="consultation", asker_name="A", question="Q")
    )
    assert property_desk.enquiries.enquiry("e-1").due == sh(2026, 5, 13, 17, 0)


def test_centre_hours_are_the_centres_choice() -> None:
    late = CommunityCentre(hours=(("13:00", "20:00"),))
    desk, _clock, _store = community(sh(2026, 5, 12, 19), late)
    desk.handle(TakeEnquiry(enquiry_id="e-1", kind="consultation", asker_name="A", question="Q"))
    assert desk.enquiries.enquiry("e-1").due == sh(2026, 5, 13, 16, 0)


def test_centre_hours_a_malformed_opening_time_is_a_policy_error() -> None:
    with pytest.raises(PolicyError):
        CommunityCentre(hours=(("8 o'clock", "12:00"),))


def test_every_enquiry_is_owned_by_the_first_person_asked_at_a_community_centre() -> None:
    desk, _clock, _store = community()
    for enquiry_id, kind in (("e-1", "consultation"), ("e-2", "suggestion")):
        desk.handle(
            TakeEnquiry(enquiry_id=enquiry_id, kind=kind, asker_name="A", question="Q"),
            actor=CLERK,
        )
        with pytest.raises(PermissionDenied):
            desk.handle(AnswerEnquiry(enquiry_id=enquiry_id, answer="x"), actor=CLERK_2)
        desk.handle(HandOverEnquiry(enquiry_id=enquiry_id, to="clerk-2", reason="r"), actor=HEAD)
        desk.handle(AnswerEnquiry(enquiry_id=enquiry_id, answer="x"), actor=CLERK_2)
        assert desk.enquiries.enquiry(enquiry_id, actor=CENTRE).owner == CLERK_2.id


def test_enquiry_time_limit_at_a_community_centre_is_shorter_and_the_centres_choice() -> None:
    desk, _clock, _store = community()
    desk.handle(TakeEnquiry(enquiry_id="e-1", kind="consultation", asker_name="A", question="Q"))
    desk.handle(TakeEnquiry(enquiry_id="e-2", kind="suggestion", asker_name="A", question="Q"))
    # four working hours from 09:00: three before the lunch break, one after it
    assert desk.enquiries.enquiry("e-1").due == sh(2026, 5, 12, 15, 0)
    # three working days from Tuesday 09:00: the end of Friday's opening hours
    assert desk.enquiries.enquiry("e-2").due == sh(2026, 5, 15, 17, 30)
    quick = CommunityCentre(enquiry_times={EnquiryKind.CONSULTATION: WorkingBudget.hours(1)})
    other, _clock, _store = community(plugin=quick)
    other.handle(TakeEnquiry(enquiry_id="e-1", kind="consultation", asker_name="A", question="Q"))
    assert other.enquiries.enquiry("e-1").due == TUESDAY + timedelta(hours=1)
