"""Staff appraisal (考核评价) from a terminal: draw, note, sign, close the rectification, read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from servicedesk.app.appraisal.commands import (
    CloseRectification,
    DrawAppraisal,
    RecordDisciplineNote,
    SignAppraisal,
)
from servicedesk.app.appraisal.queries import AppraisalView
from servicedesk.cli.base import act, actor_of, desk_options, opened, options, show, table
from servicedesk.cli.group import group
from servicedesk.i18n import _, label

appraisal = group("appraisal", "Staff appraisal: drawn from the records, signed by a manager.")


def _rate(value: object) -> str:
    return "-" if value is None else f"{value:.2%}"


def appraisals_table(title: str, views: Sequence[AppraisalView]) -> Any:
    return table(
        title,
        [
            _("appraisal"),
            _("result"),
            _("jobs"),
            _("hall items"),
            _("on time"),
            _("first-time fix"),
            _("complaints"),
            _("satisfaction"),
            _("ratings"),
            _("discipline notes"),
            _("signed by"),
            _("consequence"),
        ],
        [
            (
                v.id,
                _(v.result),
                v.figures.jobs,
                v.figures.hall_items,
                _rate(v.figures.on_time_rate),
                _rate(v.figures.first_time_fix_rate),
                v.figures.complaints,
                _rate(v.figures.satisfaction_rate),
                f"{v.figures.ratings} ({_rate(v.figures.ratings_rate)})",
                v.figures.discipline_notes,
                v.signed_by or "-",
                label(v.consequence),
            )
            for v in views
        ],
    )


@appraisal.command("draw")
@click.argument("staff")
@click.argument("period")
@desk_options
def appraisal_draw(staff: str, period: str, **kwargs: Any) -> None:
    """Draw STAFF's appraisal for PERIOD (2026-03, 2026-Q1 or 2026) from its records."""
    act(kwargs, lambda: DrawAppraisal(staff=staff, period=period), _("{id}: drawn"))


@appraisal.command("note")
@click.argument("staff")
@click.option("--note", required=True, help="The breach of discipline noted.")
@desk_options
def appraisal_note(staff: str, note: str, **kwargs: Any) -> None:
    """A manager notes a breach of discipline by STAFF."""
    act(kwargs, lambda: RecordDisciplineNote(staff=staff, note=note), _("{id}: noted"))


@appraisal.command("sign")
@click.argument("appraisal_id")
@click.option("--remarks", default="")
@click.option("--owner", default=None, help="Who answers for a rectification (the appraised).")
@desk_options
def appraisal_sign(appraisal_id: str, remarks: str, owner: str | None, **kwargs: Any) -> None:
    """Sign an appraisal; a failing one opens its rectification or return."""
    act(
        kwargs,
        lambda: SignAppraisal(appraisal_id=appraisal_id, remarks=remarks, owner=owner),
        _("{id}: signed"),
    )


@appraisal.command("rectify")
@click.argument("appraisal_id")
@click.option("--outcome", required=True, help="How the rectification ended.")
@desk_options
def appraisal_rectify(appraisal_id: str, outcome: str, **kwargs: Any) -> None:
    """Close the rectification a failing appraisal opened."""
    act(
        kwargs,
        lambda: CloseRectification(appraisal_id=appraisal_id, outcome=outcome),
        _("{id}: rectification closed"),
    )


@appraisal.command("show")
@click.argument("appraisal_id", required=False)
@click.option("--staff", default=None, help="Every appraisal of this member of staff instead.")
@desk_options
def appraisal_show(appraisal_id: str | None, staff: str | None, **kwargs: Any) -> None:
    """One appraisal, or (--staff) every appraisal of one member of staff."""
    if (appraisal_id is None) == (staff is None):
        raise click.UsageError(_("Name an appraisal, or a member of staff with --staff."))
    opts = options(kwargs)
    with opened(opts) as desk:
        if staff is not None:
            views = desk.appraisal.of_staff(staff, actor=actor_of(opts))
            title = _("Appraisals of {staff}").format(staff=staff)
        else:
            views = [desk.appraisal.appraisal(appraisal_id or "", actor=actor_of(opts))]
            title = _("Appraisal {id}").format(id=appraisal_id)
    show(opts, views, lambda: appraisals_table(title, views))


@appraisal.command("report")
@click.argument("period")
@click.option("--department", default=None, help="Only the staff this department seconded.")
@desk_options
def appraisal_report(period: str, department: str | None, **kwargs: Any) -> None:
    """A period's appraisals, with the results counted."""
    opts = options(kwargs)
    with opened(opts) as desk:
        report = desk.appraisal.report(period, department, actor=actor_of(opts))
    counts = ", ".join(f"{_(level)}: {n}" for level, n in report.results.items())
    title = _("Appraisals of {period}: {counts}").format(period=report.period, counts=counts)
    show(opts, report, lambda: appraisals_table(title, report.appraisals))
