"""What complaints need of a store."""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from datetime import datetime

import attrs

from servicedesk.app.pages import Lists
from servicedesk.app.repository import Repository
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.complaints import Complaint, ComplaintId
from servicedesk.domain.deadlines import EscalationStep
from servicedesk.i18n import N_


class ComplaintRepository(Repository[Complaint], Lists):
    kind, label = N_("complaint"), N_("complaint")

    @abc.abstractmethod
    def list_open(self) -> list[Complaint]:
        """Complaints not closed, oldest first."""

    @abc.abstractmethod
    def list_due_for_escalation(self, now: datetime) -> list[Complaint]:
        """Complaints whose ``next_escalation_at`` is before ``now``, oldest first.

        A database keeps ``Complaint.next_escalation_at`` (derived by the domain) in an
        indexed column written on every save, and answers this with one indexed query; the
        sweep asks the domain again for each, so the column only has to be a superset.
        """

    def escalate_due(
        self,
        now: datetime,
        *,
        chain: Callable[[Complaint], Sequence[EscalationStep]],
        calendar: WorkingCalendar,
        after: ComplaintId | None = None,
        limit: int | None = None,
    ) -> Swept:
        """Move every complaint due at ``now`` one step up its ``chain``; how many went up.

        The reference: each complaint due is loaded and ``Complaint.escalate`` decides, and
        the unit of work saves the ones that changed.  A database store overrides this with
        a few set-based statements that store exactly the same documents and events.
        With ``limit``, one batch: the first ``limit`` complaints due after ``after`` by id.
        """
        due = self.list_due_for_escalation(now)
        if after is not None:
            due = [c for c in due if c.id.value > after.value]
        last = None
        if limit is not None and len(due) > limit:
            last = sorted((c.id for c in due), key=lambda key: key.value)[limit - 1]
            due = [c for c in due if c.id.value <= last.value]
        escalated = 0
        for complaint in due:
            escalated += complaint.escalate(chain=chain(complaint), calendar=calendar, now=now)
        return Swept(escalated, last)

    @abc.abstractmethod
    def list_filed_between(self, start: datetime, end: datetime) -> list[Complaint]:
        """Complaints filed in ``[start, end)``, oldest first (indexed on ``filed_at``)."""


@attrs.frozen
class Swept:
    """What one batch of the escalation sweep did (``ComplaintRepository.escalate_due``)."""

    escalated: int
    #: The batch's last complaint when complaints due after it are left for the next batch.
    last: ComplaintId | None = None
