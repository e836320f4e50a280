"""Quality evaluation: on-time, first-time-fix, complaint and satisfaction rates."""

from __future__ import annotations

from decimal import Decimal

from _casework import (
    CLERK,
    completed_job,
    make_desk,
    published_item,
    registered_request,
    requester,
    sh,
    worker,
)
from servicedesk import AcceptWork, CompleteWork, DispatchRequest, RejectWork, StartWork
from servicedesk.app.callbacks.commands import PlanCallbacks, RecordCallback
from servicedesk.app.callbacks.queries import QualityRow, rate
from servicedesk.app.complaints.commands import FileComplaint
from servicedesk.domain.callbacks import Month
from servicedesk.domain.values import ItemId, WorkerId
from servicedesk.testing import IN_PERSON
from support import DESK_CLERK


def test_rates_are_exact_and_absent_when_nothing_was_measured() -> None:
    assert rate(2, 3) == Decimal("0.6667")
    assert rate(1, 8) == Decimal("0.1250")
    assert rate(0, 0) is None
    assert QualityRow().satisfaction_rate is None


def test_the_monthly_report_per_item_and_worker() -> None:
    desk, clock, _ = make_desk(sh(2026, 3, 9, 10))
    tap = published_item(desk, "Tap repair", "plumbing")
    lamp = published_item(desk, "Lamp repair", "electrical")
    plumber = worker(desk, "w-1", "plumbing")
    electrician = worker(desk, "w-2", "electrical")

    completed_job(desk, requester(1), tap, plumber, "r-1")  # on time, first time
    completed_job(desk, requester(2), lamp, electrician, "r-3")
    registered_request(desk, requester(3), tap, "r-2")  # someone on site by 15:00 ...
    clock.now = sh(2026, 3, 9, 16)  # ... came at 16:00, and the job needed a second visit
    for command in (
        DispatchRequest(request_id="r-2", worker_id=plumber),
        StartWork(request_id="r-2"),
        CompleteWork(request_id="r-2"),
        RejectWork(request_id="r-2", reason="still drips", evidence=IN_PERSON),
        StartWork(request_id="r-2"),
        CompleteWork(request_id="r-2"),
        AcceptWork(request_id="r-2", signed_by="Owner", evidence=IN_PERSON),
    ):
        desk.handle(command, actor=DESK_CLERK)
    desk.handle(
        FileComplaint(
            complainant=requester(3),
            category="timeliness",
            description="came late, twice",
            request_id="r-2",
            complaint_id="c-1",
        ),
        actor=CLERK,
    )

    clock.now = sh(2026, 4, 1, 10)
    desk.handle(PlanCallbacks(month="2026-03"))
    scores = {"r-1": 5, "r-2": 2}  # r-3's requester is not reached
    for callback in desk.quality.callbacks("2026-03"):
        request = str(callback.request_id)
        if request in scores:
            record = RecordCallback(
                callback_id=callback.id, reached=True, satisfaction=scores[request]
            )
        else:
            record = RecordCallback(callback_id=callback.id, reached=False)
        desk.handle(record, actor=CLERK)

    report = desk.quality.report("2026-03")
    by_tap = report.by_item[ItemId(tap)]
    assert by_tap == QualityRow(
        jobs=2, on_time=1, first_time_fix=1, complaints=1, callbacks_reached=2, satisfied=1
    )
    assert by_tap.on_time_rate == Decimal("0.5000")
    assert by_tap.first_time_fix_rate == Decimal("0.5000")
    assert by_tap.complaint_rate == Decimal("0.5000")
    assert by_tap.satisfaction_rate == Decimal("0.5000")

    by_lamp = report.by_worker[WorkerId(electrician)]
    assert by_lamp.on_time_rate == Decimal("1.0000")
    assert by_lamp.complaint_rate == Decimal("0.0000")
    assert by_lamp.satisfaction_rate is None  # not reached: no score, not a bad one

    assert report.total == by_tap + report.by_item[ItemId(lamp)]
    assert report.total.jobs == 3

    review = desk.quality.review_input(plumber, "2026-03")
    assert review.figures == report.by_worker[WorkerId(plumber)]
    assert [str(c) for c in review.complaints] == ["c-1"]
    assert sorted(review.scores) == [2, 5]

    assert desk.quality.report("2026-02").total == QualityRow()
    assert desk.quality.trend("2026-02", "2026-04") == [
        (Month(2026, 2), QualityRow()),
        (Month(2026, 3), report.total),
        (Month(2026, 4), QualityRow()),
    ]
