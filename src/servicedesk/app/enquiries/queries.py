"""Queries of enquiries: one enquiry, its history, the overdue ones, and a paged list."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

import attrs

from servicedesk.app.enquiries.lists import ENQUIRIES, EnquiryFilter, EnquiryRow
from servicedesk.app.page_queries import DeskQueries
from servicedesk.app.pages import DEFAULT_LIMIT, Page
from servicedesk.domain.deadlines import Breach
from servicedesk.domain.enquiries import (
    Enquiry,
    EnquiryId,
    EnquiryKind,
    EnquiryStatus,
    Referral,
)
from servicedesk.domain.events import Event
from servicedesk.domain.first_responder import Handover
from servicedesk.domain.requests import Channel
from servicedesk.domain.values import Actor, ActorId, Contact

if TYPE_CHECKING:
    pass


@attrs.frozen
class EnquiryView:
    id: EnquiryId
    kind: EnquiryKind
    status: EnquiryStatus
    channel: Channel
    asker_name: str
    contact: Contact | None
    question: str
    taken_by: ActorId
    taken_at: datetime
    owner: ActorId
    handovers: tuple[Handover, ...]
    due: datetime
    overdue: bool
    answer: str
    answered_by: ActorId | None
    answered_at: datetime | None
    referral: Referral | None
    breach: Breach | None

    @classmethod
    def of(cls, enquiry: Enquiry, now: datetime) -> EnquiryView:
        return cls(
            id=enquiry.id,
            kind=enquiry.kind,
            status=enquiry.status,
            channel=enquiry.channel,
            asker_name=enquiry.asker_name,
            contact=enquiry.contact,
            question=enquiry.question,
            taken_by=enquiry.taken_by,
            taken_at=enquiry.taken_at,
            owner=enquiry.owner,
            handovers=enquiry.handovers,
            due=enquiry.due,
            overdue=enquiry.is_overdue(now),
            answer=enquiry.answer,
            answered_by=enquiry.answered_by,
            answered_at=enquiry.clock.met_at,
            referral=enquiry.referral,
            breach=enquiry.breach,
        )


class EnquiryQueries(DeskQueries):
    """``desk.enquiries``: the consultations and suggestions of the desk."""

    def enquiry(
        self,
        enquiry_id: EnquiryId | str,
        now: datetime | None = None,
        *,
        actor: Actor | None = None,
    ) -> EnquiryView:
        self.access.check("enquiries.enquiry", actor)
        with self.store.reading() as uow:
            enquiry = uow.enquiries.get(EnquiryId(enquiry_id))
            return EnquiryView.of(enquiry, self._now(now))

    def history(self, enquiry_id: EnquiryId | str, *, actor: Actor | None = None) -> list[Event]:
        self.access.check("enquiries.history", actor)
        enquiry_id = EnquiryId(enquiry_id)
        with self.store.reading() as uow:
            uow.enquiries.get(enquiry_id)  # NotFound for an unknown id, not an empty list
            return uow.events.history("enquiry", enquiry_id)

    def overdue(
        self, now: datetime | None = None, *, actor: Actor | None = None
    ) -> list[EnquiryView]:
        """Open enquiries past their answer's due time, first taken first."""
        self.access.check("enquiries.overdue", actor)
        at = self._now(now)
        with self.store.reading() as uow:
            return [EnquiryView.of(e, at) for e in uow.enquiries.list_overdue(at)]

    def enquiries_page(
        self,
        filter: EnquiryFilter | None = None,
        *,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
        sort: str | None = None,
        descending: bool | None = None,
        with_count: bool = False,
        now: datetime | None = None,
        actor: Actor | None = None,
    ) -> Page[EnquiryRow]:
        """A page of enquiries, open or not, first taken first (or by ``id``)."""
        at = self._now(now)
        return self._pager.page(
            "enquiries.enquiries_page",
            ENQUIRIES,
            lambda uow: uow.enquiries,
            EnquiryFilter,
            filter,
            lambda f: f.conditions(at),
            lambda _who, zone: partial(EnquiryRow.of, now=at, zone=zone),
            actor=actor,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=with_count,
        )
