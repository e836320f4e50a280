"""An appraisal counts the public ratings the ratings area holds for the person and period."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import attrs

from servicedesk import GiveRating
from servicedesk.app.appraisal.commands import DrawAppraisal
from servicedesk.demo.day import run_day
from servicedesk.testing import IN_PERSON
from support import CLERK


def test_an_appraisal_counts_the_persons_ratings_of_the_period() -> None:
    day = run_day()
    desk = day.desk
    stored = [doc["id"] for _v, doc in desk.store.tables["request"].values()]  # type: ignore[attr-defined]
    views = [desk.queries.request(request_id) for request_id in stored]
    done = [v for v in views if v.status.value in ("accepted", "closed") and v.worker_id]
    worker = done[0].worker_id.value
    theirs = [v.id for v in done if v.worker_id is not None and v.worker_id.value == worker]
    levels = ["very_satisfied", "dissatisfied"][: len(theirs)]
    for request_id, level in zip(theirs, levels, strict=False):
        rating = GiveRating(request_id=request_id, level=level, channel="in_person")
        desk.handle(attrs.evolve(rating, evidence=IN_PERSON), actor=CLERK)
    month = desk.ratings.staff(worker, day.clock().strftime("%Y-%m"))

    day.clock.at("09:00", on=day.clock.day + timedelta(days=40))
    drawn = desk.handle(DrawAppraisal(staff=worker, period=str(month.month))).id
    figures = desk.appraisal.appraisal(drawn).figures

    assert month.total == len(levels) > 0
    assert figures.ratings == month.total
    assert figures.ratings_rate == month.satisfaction_rate
    if len(levels) == 2:
        assert figures.ratings_rate == Decimal("0.5")
