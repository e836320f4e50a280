"""What callbacks need of a store."""

from __future__ import annotations

import abc
from datetime import datetime

import attrs

from servicedesk.app.pages import Lists
from servicedesk.app.repository import Repository
from servicedesk.domain.callbacks import Callback, CallbackPlan, Month
from servicedesk.domain.values import ItemId, WorkerId
from servicedesk.i18n import N_


class CallbackRepository(Repository[Callback], Lists):
    kind, label = N_("callback"), N_("callback")

    @abc.abstractmethod
    def list_for_month(self, month: Month) -> list[Callback]:
        """The callbacks planned for ``month``, by id (indexed on the month)."""


class CallbackPlanRepository(Repository[CallbackPlan]):
    """One plan per month: the id is the month, so a second draw is refused by the key."""

    kind, label = N_("callback_plan"), N_("callback plan")


@attrs.frozen
class QualityTally:
    """One (item, worker) pair's counts of a month, as the store adds them up."""

    item_id: ItemId | None
    worker_id: WorkerId | None
    jobs: int = 0
    on_time: int = 0
    first_time_fix: int = 0
    complaints: int = 0
    callbacks_reached: int = 0
    satisfied: int = 0


class QualityReports(abc.ABC):
    """The month's quality figures, counted by the store (SQL: one ``GROUP BY``)."""

    @abc.abstractmethod
    def tallies(
        self, month: Month, start: datetime, end: datetime, satisfied_from: int
    ) -> list[QualityTally]:
        """Per (item, worker): jobs accepted in ``[start, end)`` (each request once), those
        on time and fixed first time, complaints filed in it, the month's callbacks reached
        and those scoring ``satisfied_from`` or more; by item id then worker id, NULLs first.
        """
