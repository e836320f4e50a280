"""Handlers of the visit."""

from __future__ import annotations

from servicedesk.app.context import Context
from servicedesk.app.visits.commands import RecordCallAhead
from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.visits import CallAhead
from servicedesk.i18n import _


def record_call_ahead(cmd: RecordCallAhead, ctx: Context) -> str:
    request = ctx.uow.requests.get(cmd.request_id)
    called_at = ctx.now if cmd.called_at is None else cmd.called_at
    if called_at > ctx.now:
        raise InvalidValue(
            _("A call is recorded once it is made, not before."), code="request.invalid"
        )
    request.record_call_ahead(
        CallAhead(caller=ctx.actor.id, at=called_at, outcome=cmd.outcome, window=cmd.window)
    )
    return request.id.value
