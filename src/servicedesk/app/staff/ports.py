"""What staff files need of a store."""

from __future__ import annotations

import abc

from servicedesk.app.repository import Repository
from servicedesk.domain.staff import ItemRequirement, StaffFile
from servicedesk.domain.values import ItemId
from servicedesk.i18n import N_


class StaffFileRepository(Repository[StaffFile]):
    kind, label = N_("staff_file"), N_("staff file")

    @abc.abstractmethod
    def list(self) -> list[StaffFile]:
        """Every staff file, by id."""

    @abc.abstractmethod
    def has_roster(self) -> bool:
        """Whether any staff file holds a shift: the duty rules apply only then (an indexed
        column on a database)."""


class ItemRequirementRepository(Repository[ItemRequirement]):
    kind, label = N_("item_requirement"), N_("item requirement")

    @abc.abstractmethod
    def with_roster(self, item_id: ItemId) -> tuple[ItemRequirement | None, bool]:
        """What ``item_id`` requires (``None``: nothing recorded) and whether any staff file
        holds a shift, in one look-up: what every dispatch asks first."""
