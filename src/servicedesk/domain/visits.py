"""The call ahead: the requester is rung to confirm the visit before the worker sets out.

A request carries the requester's expected time (rule requests.expected-window); before
the work starts, staff call to confirm it, and record who called, when, and what came of
it: confirmed, rescheduled to a new window, or not reached (rule requests.call-ahead).
"""

from __future__ import annotations

from datetime import datetime

import attrs

from servicedesk.domain.values import ActorId, Choice, TimeWindow


class CallOutcome(Choice):
    CONFIRMED = "confirmed"  # the requester expects the visit in the window
    RESCHEDULED = "rescheduled"  # a new window agreed
    NOT_REACHED = "not_reached"  # nobody answered


class OutsideWindow(Choice):
    """What dispatch does when the requester's window is already over."""

    REFUSE = "refuse"  # the desk calls first and agrees a new window
    WARN = "warn"  # dispatched, the work order marked so the call ahead agrees a new one


@attrs.frozen
class CallAhead:
    """One call: who made it, when, and what came of it (a new window when rescheduled)."""

    caller: ActorId
    at: datetime
    outcome: CallOutcome
    window: TimeWindow | None = None


def window_is_over(window: TimeWindow | None, at: datetime) -> bool:
    """Whether a dispatch at ``at`` falls after the requester's expected window."""
    return window is not None and at >= window.end
