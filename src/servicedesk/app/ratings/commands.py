"""Commands of public ratings: a rating given, a follow-up's outcome recorded, the rater told."""

from __future__ import annotations

from typing import ClassVar

import attrs

from servicedesk.app.command import Command
from servicedesk.domain import reserved
from servicedesk.domain.hall_cases import ApplicationId
from servicedesk.domain.ratings import RatingChannel, RatingId, RatingLevel, ToldBy, VisitId
from servicedesk.domain.reserved import ReservedAct
from servicedesk.domain.values import RequesterEvidence, RequestId


@attrs.frozen(kw_only=True)
class GiveRating(Command):
    """The requester's rating of one service: a job, a hall application or a window visit.

    Exactly one of ``request_id``, ``application_id`` and ``visit_id`` names the service.
    The requester gives it himself (his actor ``acts_for`` the service), or a member of
    staff records it with ``evidence`` of how he gave it (rule ratings.by-the-requester).
    """

    reserved: ClassVar[ReservedAct | None] = reserved.RATE

    request_id: RequestId | None = attrs.field(
        default=None, converter=attrs.converters.optional(RequestId)
    )
    application_id: ApplicationId | None = attrs.field(
        default=None, converter=attrs.converters.optional(ApplicationId)
    )
    visit_id: VisitId | None = attrs.field(
        default=None, converter=attrs.converters.optional(VisitId)
    )
    level: RatingLevel = attrs.field(converter=RatingLevel)
    channel: RatingChannel = attrs.field(converter=RatingChannel)
    evidence: RequesterEvidence | None = None


@attrs.frozen(kw_only=True)
class CloseFollowUp(Command):
    """What the follow-up of a bad rating did about it (整改结果), by its owner or a manager."""

    rating_id: RatingId = attrs.field(converter=RatingId)
    outcome: str


@attrs.frozen(kw_only=True)
class TellRater(Command):
    """The rater was told the follow-up's outcome."""

    rating_id: RatingId = attrs.field(converter=RatingId)
    channel: ToldBy = attrs.field(default=ToldBy.PHONE, converter=ToldBy)
