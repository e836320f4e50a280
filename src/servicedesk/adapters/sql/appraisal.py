"""Staff appraisal in SQL: the appraisals and discipline notes, and the counts they draw on.

The counts are one ``COUNT`` each: discipline notes on their (person, time) index, and the
hall applications a person concluded from the event log's (stream, type, time) index,
reading only the concluding person from each event's document.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.bulk.json_scalar import json_scalar
from servicedesk.adapters.sql.repositories import _SqlDerivedIds
from servicedesk.adapters.sql.repository import SqlRepository
from servicedesk.adapters.sql.transaction import SqlTransaction
from servicedesk.app.appraisal.ports import (
    AppraisalReports,
    AppraisalRepository,
    DisciplineNoteRepository,
)
from servicedesk.domain.appraisal import Appraisal, AppraisalPeriod, DisciplineNote
from servicedesk.domain.hall import DepartmentId
from servicedesk.domain.values import ActorId


class SqlAppraisals(_SqlDerivedIds[Appraisal], AppraisalRepository):
    def of_staff(self, staff: ActorId) -> list[Appraisal]:
        c = self.table.c
        return self._select(c.staff == staff.value, order_by=(c.period,))

    def of_period(
        self, period: AppraisalPeriod, department_id: DepartmentId | None = None
    ) -> list[Appraisal]:
        c = self.table.c
        where = [c.period == str(period)]
        if department_id is not None:
            where.append(c.department_id == department_id.value)
        return self._select(*where, order_by=(c.staff,))


class SqlDisciplineNotes(SqlRepository[DisciplineNote], DisciplineNoteRepository):
    def of_staff(self, staff: ActorId, start: datetime, end: datetime) -> list[DisciplineNote]:
        c = self.table.c
        return self._select(
            c.staff == staff.value, c.noted_at >= start, c.noted_at < end, order_by=(c.noted_at,)
        )


class SqlAppraisalReports(AppraisalReports):
    def __init__(self, uow: SqlTransaction) -> None:
        self.uow = uow

    def discipline_notes(self, staff: ActorId, start: datetime, end: datetime) -> int:
        n = t.discipline_notes.table.c
        query = sa.select(sa.func.count()).where(
            n.staff == staff.value, n.noted_at >= start, n.noted_at < end
        )
        return int(self.uow.execute(query).scalar_one())

    def hall_items(self, staff: ActorId, start: datetime, end: datetime) -> int:
        e = t.events.c
        query = sa.select(sa.func.count()).where(
            e.stream == "hall_application",
            e.type == "ApplicationConcluded",
            e.at >= start,
            e.at < end,
            json_scalar(e.document, "result", "by") == staff.value,
        )
        return int(self.uow.execute(query).scalar_one())
