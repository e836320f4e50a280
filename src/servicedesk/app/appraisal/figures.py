"""An appraisal's figures, read from the period's records in the caller's unit of work.

The job figures are the quality report's tallies (rule callbacks.quality-rates): jobs
accepted in each month of the period, on time and fixed first time, complaints filed naming
the person, the month's callbacks reached and satisfied; the store adds them up (SQL: one
``GROUP BY`` a month).  Hall items concluded and discipline notes are counted by the store
too; the ratings come from the port the desk is wired with.
"""

from __future__ import annotations

from servicedesk.app.appraisal.ports import RatingFigures
from servicedesk.app.unit_of_work import UnitOfWork
from servicedesk.domain.appraisal import AppraisalPeriod, Figures
from servicedesk.domain.hall import DepartmentId
from servicedesk.domain.values import ActorId, WorkerId
from servicedesk.policies.manager import Policies


def figures_of(
    uow: UnitOfWork,
    policies: Policies,
    ratings: RatingFigures,
    staff: ActorId,
    period: AppraisalPeriod,
) -> Figures:
    """What the records of ``period`` say of ``staff``."""
    tz = policies.calendar().tz
    satisfied_from = policies.satisfaction_scale().satisfied_from
    worker = WorkerId(staff.value)
    counts = [0] * 6
    for month in period.months():
        start, end = month.bounds(tz)
        for tally in uow.quality_reports.tallies(month, start, end, satisfied_from):
            if tally.worker_id == worker:
                counts[0] += tally.jobs
                counts[1] += tally.on_time
                counts[2] += tally.first_time_fix
                counts[3] += tally.complaints
                counts[4] += tally.callbacks_reached
                counts[5] += tally.satisfied
    start, end = period.bounds(tz)
    rated = ratings(uow, policies, staff, period)
    return Figures(
        jobs=counts[0],
        on_time=counts[1],
        first_time_fix=counts[2],
        complaints=counts[3],
        callbacks_reached=counts[4],
        satisfied=counts[5],
        hall_items=uow.appraisal_reports.hall_items(staff, start, end),
        ratings=rated.total,
        ratings_rate=rated.rate,
        discipline_notes=uow.appraisal_reports.discipline_notes(staff, start, end),
    )


def home_department(uow: UnitOfWork, staff: ActorId) -> DepartmentId | None:
    """The hall department that seconded ``staff``, if any (rule staff.seconded-staff)."""
    for department in uow.hall_departments.list():
        if staff in department.staff:
            return department.id
    return None
