"""What staff appraisal needs of a store, and of the ratings area."""

from __future__ import annotations

import abc
from datetime import datetime
from decimal import Decimal
from typing import Protocol

import attrs

from servicedesk.app.repository import DerivedIdRepository, Repository
from servicedesk.domain.appraisal import Appraisal, AppraisalPeriod, DisciplineNote
from servicedesk.domain.hall import DepartmentId
from servicedesk.domain.values import ActorId
from servicedesk.i18n import N_


class AppraisalRepository(DerivedIdRepository[Appraisal]):
    """One appraisal per person and period: the id is derived from both."""

    kind, label = N_("appraisal"), N_("appraisal")

    @abc.abstractmethod
    def of_staff(self, staff: ActorId) -> list[Appraisal]:
        """The person's appraisals, oldest period first (indexed on the person)."""

    @abc.abstractmethod
    def of_period(
        self, period: AppraisalPeriod, department_id: DepartmentId | None = None
    ) -> list[Appraisal]:
        """The period's appraisals, of one department's staff if given, by person."""


class DisciplineNoteRepository(Repository[DisciplineNote]):
    kind, label = N_("discipline_note"), N_("discipline note")

    @abc.abstractmethod
    def of_staff(self, staff: ActorId, start: datetime, end: datetime) -> list[DisciplineNote]:
        """The person's notes entered in ``[start, end)``, oldest first."""


class AppraisalReports(abc.ABC):
    """The figures of one person the store counts itself (SQL: ``COUNT`` on indexed columns)."""

    @abc.abstractmethod
    def discipline_notes(self, staff: ActorId, start: datetime, end: datetime) -> int:
        """How many discipline notes about ``staff`` were entered in ``[start, end)``."""

    @abc.abstractmethod
    def hall_items(self, staff: ActorId, start: datetime, end: datetime) -> int:
        """How many hall applications ``staff`` concluded (办结) in ``[start, end)``."""


@attrs.frozen
class RatingFigure:
    """The public ratings of a person in a period: how many, and the satisfaction rate."""

    total: int = 0
    rate: Decimal | None = None


class RatingFigures(Protocol):
    """Where an appraisal reads a person's public ratings (好差评), in the drawing transaction.

    The desk is wired with one (``Wiring``'s ``rating_figures``); the ratings area plugs its
    own in, reading ``uow`` (the drawing ``UnitOfWork``, typed loosely here because the unit
    of work's port imports this module) for ``staff`` over every month of ``period``, on the
    scale ``policies`` (the desk's ``Policies``) gives.
    """

    def __call__(
        self, uow: object, policies: object, staff: ActorId, period: AppraisalPeriod
    ) -> RatingFigure: ...


def no_ratings(
    uow: object, policies: object, staff: ActorId, period: AppraisalPeriod
) -> RatingFigure:
    """No ratings area: no rating, and so no rate (``None``, never zero)."""
    return RatingFigure()
