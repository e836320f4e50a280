"""Commands of the visit: the call that confirms it before the worker sets out."""

from __future__ import annotations

from datetime import datetime

import attrs

from servicedesk.app.command import Command
from servicedesk.domain.values import RequestId, TimeWindow, aware, choice
from servicedesk.domain.visits import CallOutcome


def to_outcome(value: CallOutcome | str) -> CallOutcome:
    return choice(CallOutcome, value, "outcome")


def _when(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value, "time")


@attrs.frozen(kw_only=True)
class RecordCallAhead(Command):
    """The requester was called to confirm the visit (rule requests.call-ahead).

    ``window`` is the new window agreed, and only when the outcome is ``rescheduled``;
    ``called_at`` is when the call was made (default: now).
    """

    request_id: RequestId = attrs.field(converter=RequestId)
    outcome: CallOutcome = attrs.field(converter=to_outcome)
    window: TimeWindow | None = None
    called_at: datetime | None = attrs.field(default=None, converter=_when)
