"""Commands of staff appraisal: draw, note, sign, close the rectification."""

from __future__ import annotations

import attrs

from servicedesk.app.command import Command
from servicedesk.domain import reserved
from servicedesk.domain.appraisal import AppraisalId, AppraisalPeriod
from servicedesk.domain.privacy import personal
from servicedesk.domain.values import ActorId


def to_period(value: AppraisalPeriod | str) -> AppraisalPeriod:
    return AppraisalPeriod.parse(value)


def optional_actor(value: ActorId | str | None) -> ActorId | None:
    return None if value is None else ActorId(value)


@attrs.frozen(kw_only=True)
class DrawAppraisal(Command):
    """Draw the appraisal of ``staff`` for ``period`` from the period's records (once)."""

    staff: ActorId = attrs.field(converter=ActorId)
    period: AppraisalPeriod = attrs.field(converter=to_period)


@attrs.frozen(kw_only=True)
class RecordDisciplineNote(Command):
    """A manager notes a breach of discipline by ``staff``; it counts in the period's appraisal."""

    staff: ActorId = attrs.field(converter=ActorId)
    note: str = personal()


@attrs.frozen(kw_only=True)
class SignAppraisal(Command):
    """The manager signs; a failing result opens its consequence (整改 or 退回).

    ``owner``: who answers for the rectification (the appraised person by default).
    """

    reserved = reserved.SIGN_APPRAISAL

    appraisal_id: AppraisalId = attrs.field(converter=AppraisalId)
    remarks: str = personal(default="")
    owner: ActorId | None = attrs.field(default=None, converter=optional_actor)


@attrs.frozen(kw_only=True)
class CloseRectification(Command):
    """The rectification a failing appraisal opened is done: its outcome is recorded."""

    appraisal_id: AppraisalId = attrs.field(converter=AppraisalId)
    outcome: str = personal()
