"""What public ratings need of a store."""

from __future__ import annotations

import abc
from datetime import datetime

import attrs

from servicedesk.app.repository import DerivedIdRepository
from servicedesk.domain.callbacks import Month
from servicedesk.domain.ratings import Rating, RatingLevel
from servicedesk.i18n import N_


@attrs.frozen
class RatingCount:
    """How many of a month's ratings share one level and one (item, window, department,
    member of staff), as the store counts them."""

    item_id: str | None
    window_id: str | None
    department_id: str | None
    staff_id: str | None
    level: RatingLevel
    count: int


class RatingRepository(DerivedIdRepository[Rating]):
    """One rating per service: the id is the service's, and a unique key on the service
    refuses a second one whichever transaction saves it (rule ratings.once-per-service)."""

    kind, label = N_("rating"), N_("rating")

    @abc.abstractmethod
    def counts(self, month: Month, staff_id: str | None = None) -> list[RatingCount]:
        """The month's ratings counted per (item, window, department, staff, level), of one
        member of staff if asked; in no particular order (SQL: one ``GROUP BY``)."""

    @abc.abstractmethod
    def overdue_follow_ups(self, now: datetime) -> list[Rating]:
        """Ratings whose follow-up is open and was due before ``now``, the longest due first."""
