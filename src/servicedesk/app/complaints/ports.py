"""What complaints need of a store."""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from datetime import datetime

from servicedesk.app.repository import Repository
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.complaints import Complaint
from servicedesk.domain.deadlines import EscalationStep
from servicedesk.i18n import N_


class ComplaintRepository(Repository[Complaint]):
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
    ) -> int:
        """Move every complaint due at ``now`` one step up its ``chain``; how many went up.

        The reference: each complaint due is loaded and ``Complaint.escalate`` decides, and
        the unit of work saves the ones that changed.  A database store overrides this with
        a few set-based statements that store exactly the same documents and events.
        """
        escalated = 0
        for complaint in self.list_due_for_escalation(now):
            escalated += complaint.escalate(chain=chain(complaint), calendar=calendar, now=now)
        return escalated

    @abc.abstractmethod
    def list_filed_between(self, start: datetime, end: datetime) -> list[Complaint]:
        """Complaints filed in ``[start, end)``, oldest first (indexed on ``filed_at``)."""
