"""Commands of callbacks: the month's plan drawn, one call recorded."""

from __future__ import annotations

import attrs

from servicedesk.app.command import Command
from servicedesk.domain.callbacks import (
    Month,
)
from servicedesk.domain.complaints import CallbackId
from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.privacy import personal
from servicedesk.domain.requests import Urgency
from servicedesk.i18n import _


def to_month(value: Month | str) -> Month:
    return Month.parse(value)


@attrs.frozen(kw_only=True)
class PlanCallbacks(Command):
    """Draw the callbacks of ``month`` (run it once, early in the following month)."""

    month: Month = attrs.field(converter=to_month)
    seed: str | None = None


@attrs.frozen(kw_only=True)
class RaisedComplaint:
    """A complaint the requester raised during the call."""

    category: str
    description: str = personal()
    urgency: Urgency = attrs.field(default=Urgency.ORDINARY, converter=Urgency)


@attrs.frozen(kw_only=True)
class RecordCallback(Command):
    """One call: reached (with a score, remarks, maybe a complaint) or not reached."""

    callback_id: CallbackId = attrs.field(converter=CallbackId)
    reached: bool
    satisfaction: int | None = None
    remarks: str = personal(default="")
    complaint: RaisedComplaint | None = None

    def __attrs_post_init__(self) -> None:
        if self.reached and self.satisfaction is None:
            raise InvalidValue(
                _("A reached callback records the requester's satisfaction."),
                code="callback.invalid",
            )
        if not self.reached and (self.satisfaction is not None or self.complaint is not None):
            raise InvalidValue(
                _("An unreached callback records no score and no complaint."),
                code="callback.invalid",
            )
