"""``desk.appraisal``: an appraisal, a person's appraisals, a period's report per department.

Views carry ids, figures, results and dates, never the free text of a signature's remarks
or a rectification's outcome (personal data, read through the records' exports).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

import attrs

from servicedesk.app.permissions import Access
from servicedesk.app.unit_of_work import Store
from servicedesk.app.zone import ZonedQueries
from servicedesk.domain.appraisal import (
    Appraisal,
    AppraisalId,
    AppraisalPeriod,
    Consequence,
    Figures,
)
from servicedesk.domain.hall import DepartmentId
from servicedesk.domain.values import Actor, ActorId
from servicedesk.policies.manager import Policies


@attrs.frozen
class AppraisalView:
    id: AppraisalId
    staff: ActorId
    period: str
    department_id: DepartmentId | None
    figures: Figures
    result: str
    failing: bool
    drawn_at: datetime
    signed_by: ActorId | None
    signed_at: datetime | None
    consequence: Consequence
    rectification_owner: ActorId | None
    rectification_due: datetime | None
    rectification_closed_at: datetime | None
    rectified_on_time: bool | None

    @classmethod
    def of(cls, appraisal: Appraisal) -> AppraisalView:
        signature, rectification = appraisal.signature, appraisal.rectification
        return cls(
            id=appraisal.id,
            staff=appraisal.staff,
            period=str(appraisal.period),
            department_id=appraisal.department_id,
            figures=appraisal.figures,
            result=appraisal.result,
            failing=appraisal.failing,
            drawn_at=appraisal.drawn_at,
            signed_by=signature.by if signature else None,
            signed_at=signature.at if signature else None,
            consequence=appraisal.consequence,
            rectification_owner=rectification.owner if rectification else None,
            rectification_due=rectification.due if rectification else None,
            rectification_closed_at=rectification.closed_at if rectification else None,
            rectified_on_time=rectification.on_time if rectification else None,
        )


@attrs.frozen
class AppraisalReport:
    """A period's appraisals (of one department's staff, if asked), with the results counted."""

    period: str
    department_id: DepartmentId | None
    appraisals: tuple[AppraisalView, ...]
    #: Result -> how many, in the scale's order (results no longer on it last).
    results: dict[str, int]
    unsigned: int
    open_rectifications: int


class AppraisalQueries(ZonedQueries):
    """``desk.appraisal``: staff appraisals (考核评价)."""

    def __init__(
        self, store: Store, policies: Policies, clock: Callable[[], datetime], access: Access
    ) -> None:
        self.store = store
        self.policies = policies
        self.clock = clock
        self.access = access

    def appraisal(
        self, appraisal_id: AppraisalId | str, *, actor: Actor | None = None
    ) -> AppraisalView:
        self.access.check("appraisal.appraisal", actor)
        appraisal_id = AppraisalId(appraisal_id)
        with self.store.reading() as uow:
            return AppraisalView.of(uow.appraisals.get(appraisal_id))

    def of_staff(self, staff: ActorId | str, *, actor: Actor | None = None) -> list[AppraisalView]:
        """The person's appraisals, oldest period first."""
        self.access.check("appraisal.of_staff", actor)
        staff = ActorId(staff)
        with self.store.reading() as uow:
            return [AppraisalView.of(a) for a in uow.appraisals.of_staff(staff)]

    def report(
        self,
        period: AppraisalPeriod | str,
        department: DepartmentId | str | None = None,
        *,
        actor: Actor | None = None,
    ) -> AppraisalReport:
        """The period's appraisals, of the staff ``department`` seconded if given, by person."""
        self.access.check("appraisal.report", actor)
        period = AppraisalPeriod.parse(period)
        department_id = None if department is None else DepartmentId(department)
        with self.store.reading() as uow:
            found = uow.appraisals.of_period(period, department_id)
        views = tuple(AppraisalView.of(a) for a in found)
        counted = Counter(v.result for v in views)
        levels = self.policies.appraisal_scale().levels
        order = [*levels, *sorted(set(counted) - set(levels))]
        return AppraisalReport(
            str(period),
            department_id,
            views,
            {level: counted.get(level, 0) for level in order},
            sum(1 for v in views if v.signed_by is None),
            sum(
                1
                for v in views
                if v.rectification_owner is not None and v.rectification_closed_at is None
            ),
        )
