"""First-responder duty (首问负责制): whoever is asked first owns the matter until handed on
(rule complaints.first-asked-owner, rule complaints.enquiries).

The rule is the same for every record a person is asked about (a complaint, a consultation,
a suggestion): the first taker owns it, only the owner acts on it, and ownership passes only
by a recorded ``Handover`` given by the owner or by a manager, never to the owner again.  The
record keeps its own wording of a refusal (``Refusals``), so each names itself in its errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

import attrs

from servicedesk.domain.errors import ServiceDeskError
from servicedesk.domain.values import ActorId


@attrs.frozen
class Handover:
    """A recorded change of owner: first-responder duty passes only this way."""

    from_owner: ActorId
    to_owner: ActorId
    by: ActorId
    reason: str
    at: datetime


class Refusals(Protocol):
    """The errors a record raises when the rule refuses an act on it."""

    def not_owner(self, owner: ActorId) -> ServiceDeskError:
        """``by`` is not the owner, who alone acts on the record."""
        ...

    def already_owner(self, owner: ActorId) -> ServiceDeskError:
        """The record is handed to whoever owns it already."""
        ...


def require_owner(owner: ActorId, by: ActorId, refusals: Refusals) -> None:
    """Only the owner acts on the record."""
    if by != owner:
        raise refusals.not_owner(owner)


def hand_over(
    owner: ActorId,
    *,
    to: ActorId,
    by: ActorId,
    reason: str,
    at: datetime,
    by_manager: bool,
    refusals: Refusals,
) -> Handover:
    """The hand-over from ``owner`` to ``to``: given by the owner, or by a manager."""
    if not by_manager:
        require_owner(owner, by, refusals)
    if to == owner:
        raise refusals.already_owner(to)
    return Handover(owner, to, by, reason, at)


def owner_after(taken_by: ActorId, handovers: Iterable[Handover]) -> ActorId:
    """Who owns a record taken by ``taken_by`` after ``handovers``: the last one handed to."""
    owner = taken_by
    for handover in handovers:
        owner = handover.to_owner
    return owner
