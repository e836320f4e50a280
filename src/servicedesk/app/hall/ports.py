"""What the service hall needs of a store."""

from __future__ import annotations

import abc
from datetime import date, datetime

from servicedesk.app.repository import DerivedIdRepository, Repository
from servicedesk.domain.hall import Department, ServiceGuide, Window
from servicedesk.domain.hall_cases import Application
from servicedesk.domain.hall_queue import HallQueue, QueueId


class DepartmentRepository(Repository[Department]):
    kind, label = "hall_department", "department"

    @abc.abstractmethod
    def list(self) -> list[Department]:
        """Every department, by id."""


class WindowRepository(Repository[Window]):
    kind, label = "hall_window", "window"

    @abc.abstractmethod
    def list(self) -> list[Window]:
        """Every window, by id."""


class GuideRepository(Repository[ServiceGuide]):
    kind, label = "hall_guide", "service guide"

    @abc.abstractmethod
    def list_published(self) -> list[ServiceGuide]:
        """The guides published now, by item id (an indexed column on a database)."""


class QueueRepository(DerivedIdRepository[HallQueue]):
    """The day's queue is one record: whoever takes or calls a number holds it in turn."""

    kind, label = "hall_queue", "queue"

    def locked(self, queue_id: QueueId) -> HallQueue | None:
        """The day's queue, held by this unit of work until it ends; None if not opened yet.

        A database answers with a waiting ``SELECT ... FOR UPDATE``, so that windows
        calling at once take turns instead of failing each other's version check.
        """
        return self.find(queue_id)

    @abc.abstractmethod
    def between(self, first: date, last: date) -> list[HallQueue]:
        """The queues of the days ``first`` to ``last`` (both included), by day."""


class ApplicationRepository(Repository[Application]):
    kind, label = "hall_application", "application"

    @abc.abstractmethod
    def list_open(self) -> list[Application]:
        """Applications not refused nor concluded, oldest first."""

    @abc.abstractmethod
    def list_due_for_escalation(self, now: datetime) -> list[Application]:
        """Applications whose ``next_due`` is before ``now``, oldest first (indexed)."""
