"""What requests, work orders and workers need of a store."""

from __future__ import annotations

import abc
from datetime import datetime

import attrs

from servicedesk.app.pages import Lists
from servicedesk.app.repository import Repository
from servicedesk.domain.requests import ServiceRequest, Status
from servicedesk.domain.values import WorkerId
from servicedesk.domain.workers import Worker
from servicedesk.i18n import N_


class RequestRepository(Repository[ServiceRequest], Lists):
    kind, label = N_("request"), N_("service request")

    @abc.abstractmethod
    def list_open(self) -> list[ServiceRequest]:
        """Requests not declined, closed or cancelled, oldest first."""

    @abc.abstractmethod
    def list_overdue(self, now: datetime) -> list[ServiceRequest]:
        """Open requests past their promised deadline without reaching it."""

    @abc.abstractmethod
    def list_due_for_dispatch(self, now: datetime) -> list[ServiceRequest]:
        """Triaged requests whose batch time has come, oldest first."""

    @abc.abstractmethod
    def open_orders_by_worker(self) -> dict[WorkerId, int]:
        """How many open work orders each worker holds."""


class WorkerRepository(Repository[Worker], Lists):
    kind, label = N_("worker"), N_("worker")

    @abc.abstractmethod
    def list(self) -> list[Worker]: ...


class RequestCaseQueries(abc.ABC):
    """Queries on requests that escalation, callbacks and quality reports need.

    A store's request repository implements them beside ``RequestRepository``; they are a
    separate port so that a store without them still runs every other command.
    """

    @abc.abstractmethod
    def list_due_for_escalation(self, now: datetime) -> list[ServiceRequest]:
        """Requests whose ``next_escalation_at`` is before ``now``, oldest first.

        As for complaints: the domain derives the instant, the store indexes it.
        """

    @abc.abstractmethod
    def list_accepted_between(self, start: datetime, end: datetime) -> list[ServiceRequest]:
        """Completed jobs: requests accepted (``WorkAccepted``) in ``[start, end)``."""


@attrs.frozen
class OpenSummary:
    """The open requests in figures, with the oldest of them (the shift handover's data)."""

    count: int
    overdue: int
    by_status: dict[Status, int]
    #: The oldest open requests, by registration time then id, at most the limit asked.
    oldest: tuple[ServiceRequest, ...]


class RequestReports(abc.ABC):
    """Figures over many requests, counted by the store (SQL: ``GROUP BY``)."""

    @abc.abstractmethod
    def open_summary(self, now: datetime, limit: int) -> OpenSummary:
        """How many requests are open, per status, overdue at ``now``; the ``limit`` oldest."""
