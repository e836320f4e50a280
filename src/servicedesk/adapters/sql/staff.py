"""The SQL repositories of staff files and item requirements."""

from __future__ import annotations

import sqlalchemy as sa

from servicedesk.adapters.sql.repository import SqlRepository
from servicedesk.app.staff.ports import ItemRequirementRepository, StaffFileRepository
from servicedesk.domain.staff import ItemRequirement, StaffFile


class SqlStaffFiles(SqlRepository[StaffFile], StaffFileRepository):
    def list(self) -> list[StaffFile]:
        return self._select()

    def has_roster(self) -> bool:
        c = self.table.c
        query = sa.select(c.id).where(c.rostered == sa.true()).limit(1)
        return self.uow.execute(query).first() is not None


class SqlItemRequirements(SqlRepository[ItemRequirement], ItemRequirementRepository):
    pass
