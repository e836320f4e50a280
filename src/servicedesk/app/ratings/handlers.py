"""Public ratings (好差评): a service rated once by its requester; a bad rating's follow-up.

``GiveRating`` finds the service it names (an accepted job, an ended hall application, a
served visit to a window), checks that the rater is its requester or that staff record
his word with evidence, and that nobody rated it before; a bad level opens the follow-up
with the owner and working time the policy gives (rule ratings.bad-rating-follow-up).
"""

from __future__ import annotations

from servicedesk.app.context import Context
from servicedesk.app.permissions import evidence_of
from servicedesk.app.ratings.commands import CloseFollowUp, GiveRating, TellRater
from servicedesk.domain import reserved
from servicedesk.domain.errors import IllegalTransition, InvalidValue, PermissionDenied
from servicedesk.domain.hall import DepartmentId, Window
from servicedesk.domain.hall_queue import QueueId, TicketStatus
from servicedesk.domain.ratings import RatedService, Rating, RatingId, ServiceKind
from servicedesk.domain.requests import Status
from servicedesk.domain.values import ActorId
from servicedesk.i18n import N_, _

#: A job is rated once its requester accepted the work (and after it is closed).
RATEABLE_JOBS = frozenset({Status.ACCEPTED, Status.CLOSED})


def _not_yet(kind: str, service_id: object) -> IllegalTransition:
    return IllegalTransition(
        _("The {kind} {id} is rated once it is done; it is not done yet."),
        code="rating.illegal_transition",
        kind=_(kind),
        id=service_id,
    )


def _job(cmd: GiveRating, ctx: Context) -> RatedService:
    assert cmd.request_id is not None
    request = ctx.uow.requests.get(cmd.request_id)
    if request.status not in RATEABLE_JOBS:
        raise _not_yet(N_("service request"), request.id)
    worker = request.worker_id
    return RatedService(
        kind=ServiceKind.JOB,
        service_id=request.id.value,
        item_id=request.item_id.value if request.item_id else None,
        staff_id=worker.value if worker else None,
        served_at=request.updated_at,
    )


def _application(cmd: GiveRating, ctx: Context) -> RatedService:
    assert cmd.application_id is not None
    application = ctx.uow.hall_applications.get(cmd.application_id)
    if application.is_open:
        raise _not_yet(N_("hall application"), application.id)
    window: Window | None = None
    if application.window_id is not None:
        window = ctx.uow.hall_windows.get(application.window_id)
    department: DepartmentId | None = window.department_id if window else None
    if department is None and application.guide.steps:
        department = application.guide.steps[0].department_id
    return RatedService(
        kind=ServiceKind.APPLICATION,
        service_id=application.id.value,
        item_id=application.item_id.value,
        window_id=window.id.value if window else None,
        department_id=department.value if department else None,
        staff_id=application.received_by.value,
        served_at=application.updated_at,
    )


def _visit(cmd: GiveRating, ctx: Context) -> RatedService:
    assert cmd.visit_id is not None
    day, number = cmd.visit_id.parts()
    ticket = ctx.uow.hall_queues.get(QueueId.of(day)).ticket(number)
    if ticket.status is not TicketStatus.SERVED or ticket.at_window is None or not ticket.visits:
        raise _not_yet(N_("visit"), cmd.visit_id)
    window = ctx.uow.hall_windows.get(ticket.at_window)
    called = ticket.visits[-1].called_at
    staff = next(
        (
            spell.staff
            for spell in window.duty
            if spell.start <= called and (spell.end is None or called < spell.end)
        ),
        None,
    )
    return RatedService(
        kind=ServiceKind.VISIT,
        service_id=cmd.visit_id.value,
        item_id=ticket.item_id.value if ticket.item_id else None,
        window_id=window.id.value,
        department_id=window.department_id.value if window.department_id else None,
        staff_id=staff.value if staff else None,
        served_at=ticket.ended_at or called,
    )


def rated_service(cmd: GiveRating, ctx: Context) -> RatedService:
    named = [i for i in (cmd.request_id, cmd.application_id, cmd.visit_id) if i is not None]
    if len(named) != 1:
        raise InvalidValue(
            _("A rating names one service: a request, an application or a visit."),
            field="request_id",
            code="rating.invalid",
        )
    if cmd.request_id is not None:
        return _job(cmd, ctx)
    if cmd.application_id is not None:
        return _application(cmd, ctx)
    return _visit(cmd, ctx)


def _department_head(ctx: Context, service: RatedService) -> ActorId | None:
    if service.department_id is None:
        return None
    department = ctx.uow.hall_departments.find(DepartmentId(service.department_id))
    return department.head if department is not None else None


def _check_rater(cmd: GiveRating, ctx: Context, service: RatedService) -> bool:
    """Whether the requester rates himself; refused unless the service is his own, or staff
    record his word without being the one he rates (rule ratings.by-the-requester)."""
    actor = ctx.actor
    if actor.is_requester:
        if not actor.may_act_for(service.service_id):
            raise PermissionDenied(
                _("{actor} acts for other records; a requester rates only his own services."),
                field="request_id",
                code="permission.denied",
                actor=actor.id,
            )
        return True
    evidence = evidence_of(cmd)
    people = {actor.id.value} | ({evidence.witnessed_by.value} if evidence else set())
    if service.staff_id is not None and service.staff_id in people:
        raise PermissionDenied(
            _("Nobody records or witnesses a rating of his own service ({id})."),
            field="evidence",
            code="permission.denied",
            id=service.service_id,
        )
    return False


def give_rating(cmd: GiveRating, ctx: Context) -> str:
    service = rated_service(cmd, ctx)
    by_requester = _check_rater(cmd, ctx, service)
    rating_id = RatingId.of(service.kind, service.service_id)
    if ctx.uow.ratings.find(rating_id) is not None:
        raise IllegalTransition(
            _("Service {id} is rated already; a service is rated once."),
            code="rating.illegal_transition",
            id=service.service_id,
        )
    scale = ctx.policies.rating_scale()
    level = scale.check(cmd.level)
    terms = None
    calendar = ctx.policies.calendar()
    if scale.is_bad(level):
        terms = ctx.policies.rating_follow_up(service, level, _department_head(ctx, service))
    rating = Rating.give(
        service,
        level=level,
        channel=cmd.channel,
        by=ctx.actor.id,
        by_requester=by_requester,
        evidence=evidence_of(cmd),
        scale=scale,
        zone=calendar.tz,
        at=ctx.now,
        follow_up=terms,
        calendar=calendar,
    )
    ctx.uow.ratings.add(rating)
    return rating.id.value


def close_follow_up(cmd: CloseFollowUp, ctx: Context) -> str:
    rating = ctx.uow.ratings.get(cmd.rating_id)
    overrule = bool(ctx.actor.roles & reserved.APPROVERS)
    rating.close_follow_up(by=ctx.actor.id, outcome=cmd.outcome, overrule=overrule, at=ctx.now)
    return rating.id.value


def tell_rater(cmd: TellRater, ctx: Context) -> str:
    rating = ctx.uow.ratings.get(cmd.rating_id)
    rating.tell_rater(by=ctx.actor.id, channel=cmd.channel, at=ctx.now)
    return rating.id.value
