"""An application's case work from a terminal, intake to the applicant told, and the sweep.

The commands join ``servicedesk hall``; ``servicedesk.cli.main`` names this module as
where that group lives, so that importing it brings every hall command.  The applicant's
name, phone and id number are given as options and never printed back.
"""

from __future__ import annotations

from typing import Any

import click

from servicedesk.app.desk import Outcome
from servicedesk.app.hall.commands import (
    AcceptApplication,
    CompleteStep,
    ConcludeApplication,
    DecideAtWindow,
    NoticeDefective,
    ReceiveApplication,
    RecordAuthorityReply,
    RefuseApplication,
    SubmitToAuthority,
    SupplyMaterials,
    SweepHallDeadlines,
    TellApplicant,
)
from servicedesk.cli.base import EnumParam, Options, act, desk_options, to_json
from servicedesk.cli.hall_queries import application_group
from servicedesk.cli.hall_setup import hall
from servicedesk.domain.hall_cases import (
    Applicant,
    ApplicantKind,
    Decision,
    IntakeChannel,
    MaterialsNoticeGiven,
    NoticeChannel,
    Told,
)
from servicedesk.domain.values import Contact
from servicedesk.i18n import N_, _

__all__ = ["hall"]

INTAKE = EnumParam(IntakeChannel, N_("intake channel"))
TOLD_BY = EnumParam(NoticeChannel, N_("way the applicant is told"))
APPLICANT_KIND = EnumParam(ApplicantKind, N_("applicant kind"))
DECISION = EnumParam(Decision, N_("decision"))
ABOUT = EnumParam(Told, N_("what the applicant is told"))


def told_by_option(function: Any) -> Any:
    return click.option(
        "--told-by",
        type=TOLD_BY,
        default=NoticeChannel.PRINTED.value,
        show_default=True,
        help="How the one-time notice is given: printed, sms, app or in_person.",
    )(function)


def _notice(opts: Options, outcome: Outcome) -> None:
    """After intake or a notice: the one-time notice's materials, if one was given."""
    missing = [
        m for e in outcome.events if isinstance(e, MaterialsNoticeGiven) for m in e.notice.missing
    ]
    if opts.json:
        click.echo(to_json({"id": outcome.id, "missing": missing}))
    elif missing:
        click.echo(_("one-time notice: missing {materials}").format(materials=", ".join(missing)))


def _decision_options(function: Any) -> Any:
    for option in reversed(
        (
            click.option(
                "--document-number", default="", help="The number of the document issued."
            ),
            click.option("--remarks", default="", help="Remarks on the decision."),
        )
    ):
        function = option(function)
    return function


@application_group.command("receive")
@click.argument("item_id")
@click.option("--id", "application_id", help="The application number (default: a new one).")
@click.option("--name", required=True, help="The applicant's name (personal data).")
@click.option("--phone", required=True, help="The applicant's phone (personal data).")
@click.option("--id-number", default="", help="The applicant's id or credit code (personal data).")
@click.option(
    "--applicant-kind",
    type=APPLICANT_KIND,
    default=ApplicantKind.PERSON.value,
    show_default=True,
    help="person or organisation.",
)
@click.option(
    "--channel",
    type=INTAKE,
    default=IntakeChannel.WINDOW.value,
    show_default=True,
    help="window, online or self_service.",
)
@click.option("--window", "window_id", help="The window it is received at.")
@click.option("--ticket", default="", help="The queue number the applicant came with.")
@click.option(
    "--presented", multiple=True, help="The code of a material presented; repeat for each."
)
@click.option(
    "--defective", multiple=True, help="A presented material that is unusable; repeat for each."
)
@told_by_option
@desk_options
def application_receive(
    item_id: str,
    application_id: str | None,
    name: str,
    phone: str,
    id_number: str,
    applicant_kind: ApplicantKind,
    channel: IntakeChannel,
    window_id: str | None,
    ticket: str,
    presented: tuple[str, ...],
    defective: tuple[str, ...],
    told_by: NoticeChannel,
    **kwargs: Any,
) -> None:
    """Receive an application; what it lacks is told once, in one notice (一次性告知)."""
    act(
        kwargs,
        lambda: ReceiveApplication(
            item_id=item_id,
            application_id=application_id,
            applicant=Applicant(
                name=name, contact=Contact(phone), id_number=id_number, kind=applicant_kind
            ),
            channel=channel,
            window_id=window_id,
            ticket=ticket,
            presented=presented,
            defective=defective,
            told_by=told_by,
        ),
        _("application {id}: received"),
        then=_notice,
    )


@application_group.command("notice-defective")
@click.argument("application_id")
@click.option(
    "--defective",
    multiple=True,
    required=True,
    help="A supplied material that is unusable; repeat for each.",
)
@told_by_option
@desk_options
def application_notice_defective(
    application_id: str, defective: tuple[str, ...], told_by: NoticeChannel, **kwargs: Any
) -> None:
    """Materials supplied turned out unusable: a notice naming only them."""
    act(
        kwargs,
        lambda: NoticeDefective(
            application_id=application_id, defective=defective, told_by=told_by
        ),
        _("application {id}: notice given"),
        then=_notice,
    )


@application_group.command("supply")
@click.argument("application_id")
@click.option(
    "--material",
    "materials",
    multiple=True,
    required=True,
    help="The code of a material handed in; repeat for each.",
)
@desk_options
def application_supply(application_id: str, materials: tuple[str, ...], **kwargs: Any) -> None:
    """The applicant hands in materials the notice asked for (补正)."""
    act(
        kwargs,
        lambda: SupplyMaterials(application_id=application_id, materials=materials),
        _("application {id}: materials supplied"),
    )


@application_group.command("accept")
@click.argument("application_id")
@desk_options
def application_accept(application_id: str, **kwargs: Any) -> None:
    """Accept a complete application (受理): its steps and its deadline start."""
    act(
        kwargs,
        lambda: AcceptApplication(application_id=application_id),
        _("application {id}: accepted"),
    )


@application_group.command("refuse")
@click.argument("application_id")
@click.option("--reason", required=True, help="Why it is not accepted.")
@click.option("--legal-basis", required=True, help="The provision it is refused under.")
@desk_options
def application_refuse(application_id: str, reason: str, legal_basis: str, **kwargs: Any) -> None:
    """Refuse to accept an application (不予受理), with the reason and its legal basis."""
    act(
        kwargs,
        lambda: RefuseApplication(
            application_id=application_id, reason=reason, legal_basis=legal_basis
        ),
        _("application {id}: refused"),
    )


@application_group.command("decide")
@click.argument("application_id")
@click.option(
    "--outcome",
    type=DECISION,
    default=Decision.APPROVED.value,
    show_default=True,
    help="approved or refused.",
)
@_decision_options
@desk_options
def application_decide(
    application_id: str, outcome: Decision, document_number: str, remarks: str, **kwargs: Any
) -> None:
    """Accept and conclude an immediate item (即办件) at the window, in the same visit."""
    act(
        kwargs,
        lambda: DecideAtWindow(
            application_id=application_id,
            outcome=outcome,
            document_number=document_number,
            remarks=remarks,
        ),
        _("application {id}: decided at the window"),
    )


@application_group.command("step")
@click.argument("application_id")
@click.argument("step", type=click.IntRange(0))
@click.option("--note", default="", help="What the department noted on the step.")
@desk_options
def application_step(application_id: str, step: int, note: str, **kwargs: Any) -> None:
    """A department's staff finish step STEP of the application (0 is the guide's first)."""
    act(
        kwargs,
        lambda: CompleteStep(application_id=application_id, step=step, note=note),
        _("application {id}: step done"),
    )


@application_group.command("submit")
@click.argument("application_id")
@click.option("--reference", required=True, help="The reference of the submission.")
@desk_options
def application_submit(application_id: str, reference: str, **kwargs: Any) -> None:
    """Submit the application to the higher authority (上报); its clock waits for the reply."""
    act(
        kwargs,
        lambda: SubmitToAuthority(application_id=application_id, reference=reference),
        _("application {id}: submitted"),
    )


@application_group.command("reply")
@click.argument("application_id")
@click.option("--reply", required=True, help="What the higher authority replied.")
@desk_options
def application_reply(application_id: str, reply: str, **kwargs: Any) -> None:
    """Record the higher authority's reply; the application's clock runs again."""
    act(
        kwargs,
        lambda: RecordAuthorityReply(application_id=application_id, reply=reply),
        _("application {id}: reply recorded"),
    )


@application_group.command("conclude")
@click.argument("application_id")
@click.option("--outcome", type=DECISION, required=True, help="approved or refused.")
@_decision_options
@desk_options
def application_conclude(
    application_id: str, outcome: Decision, document_number: str, remarks: str, **kwargs: Any
) -> None:
    """Conclude an application (办结) once its steps are done, with its outcome."""
    act(
        kwargs,
        lambda: ConcludeApplication(
            application_id=application_id,
            outcome=outcome,
            document_number=document_number,
            remarks=remarks,
        ),
        _("application {id}: concluded"),
    )


@application_group.command("tell")
@click.argument("application_id")
@click.option(
    "--about",
    type=ABOUT,
    required=True,
    help="What the applicant is told of: accepted, refused, submitted or result.",
)
@click.option(
    "--channel",
    type=TOLD_BY,
    default=NoticeChannel.SMS.value,
    show_default=True,
    help="printed, sms, app or in_person.",
)
@desk_options
def application_tell(
    application_id: str, about: Told, channel: NoticeChannel, **kwargs: Any
) -> None:
    """Record that the applicant was told of the application's acceptance, refusal or result."""
    act(
        kwargs,
        lambda: TellApplicant(application_id=application_id, about=about, channel=channel),
        _("application {id}: applicant told"),
    )


@hall.command("sweep")
@desk_options
def hall_sweep(**kwargs: Any) -> None:
    """The hall's deadline sweep: every overdue step and application goes up once."""
    act(
        kwargs,
        SweepHallDeadlines,
        _("{id} deadline(s) escalated"),
        busy=_("Sweeping the hall's deadlines"),
    )
