"""The SQL repositories of staff files and item requirements."""

from __future__ import annotations

import sqlalchemy as sa

from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.repository import SqlRepository
from servicedesk.app.staff.ports import ItemRequirementRepository, StaffFileRepository
from servicedesk.domain.staff import ItemRequirement, StaffFile
from servicedesk.domain.values import ItemId


class SqlStaffFiles(SqlRepository[StaffFile], StaffFileRepository):
    def list(self) -> list[StaffFile]:
        return self._select()

    def has_roster(self) -> bool:
        c = self.table.c
        query = sa.select(c.id).where(c.rostered == sa.true()).limit(1)
        return self.uow.execute(query).first() is not None


class SqlItemRequirements(SqlRepository[ItemRequirement], ItemRequirementRepository):
    def with_roster(self, item_id: ItemId) -> tuple[ItemRequirement | None, bool]:
        """One statement: the requirement's row, if any, beside whether a shift exists."""
        if item_id in self.seen:
            return self.seen[item_id], self._rostered()
        staff = t.staff_files.table.c
        rostered = sa.select(staff.id).where(staff.rostered == sa.true()).limit(1).scalar_subquery()
        one = sa.select(sa.literal(1).label("one")).subquery()
        joined = one.outerjoin(self.table, self.table.c.id == item_id.value)
        query = sa.select(rostered.label("rostered"), *self._read()).select_from(joined)
        row = self.uow.execute(query).one()
        found = None if row.document is None else self.track([self._load(row)])[0]
        return found, row.rostered is not None

    def _rostered(self) -> bool:
        staff = t.staff_files.table.c
        query = sa.select(staff.id).where(staff.rostered == sa.true()).limit(1)
        return self.uow.execute(query).first() is not None
