"""The ``servicedesk`` command: its group and the explicit list of its command groups.

Each group's module is imported only when the group is used, so ``--version``
and ``--help`` load neither the library nor its stores.
"""

from __future__ import annotations

import click

from servicedesk.cli.group import LazyGroup
from servicedesk.cli.index import INDEX
from servicedesk.i18n import N_

#: Every command group of ``servicedesk``, in the order ``--help`` lists them: where it lives
#: and its help, which ``--help`` shows without importing it (a test holds the two equal).
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "servicedesk.cli.demo:demo",
        N_("Run a day at a property service centre and its month-end, and print what they left."),
    ),
    "db": ("servicedesk.cli.requests:db", N_("Create or upgrade the database.")),
    "catalogue": (
        "servicedesk.cli.requests:catalogue",
        N_("The service items and their approved fees."),
    ),
    "worker": ("servicedesk.cli.requests:worker", N_("The staff and contractors who do the jobs.")),
    "request": (
        "servicedesk.cli.requests:request",
        N_("Service requests from intake to acceptance."),
    ),
    "account": (
        "servicedesk.cli.billing_queries:account",
        N_("Requesters' accounts and deposits."),
    ),
    "charge": (
        "servicedesk.cli.billing_queries:charge",
        N_("What a job costs, confirmed by the requester."),
    ),
    "payment": (
        "servicedesk.cli.billing_queries:payment",
        N_("Payments taken by a cashier, with numbered receipts."),
    ),
    "agreement": (
        "servicedesk.cli.billing_queries:agreement",
        N_("Paid service agreements: a monthly fee, visits, or both."),
    ),
    "invoice": (
        "servicedesk.cli.billing_queries:invoice",
        N_("Invoices asked for by requesters, issued and delivered."),
    ),
    "receipt-book": (
        "servicedesk.cli.billing:receipt_book",
        N_("Books of numbered paper receipts for collectors."),
    ),
    "month": ("servicedesk.cli.billing:month", N_("The month close.")),
    "statement": (
        "servicedesk.cli.billing_queries:statement",
        N_("Statements: print or export them."),
    ),
    "complaint": (
        "servicedesk.cli.complaints:complaint",
        N_("Complaints, answered within working-time deadlines."),
    ),
    "escalate": (
        "servicedesk.cli.complaints:escalate",
        N_("The escalation sweep: every overdue complaint and request goes one step up."),
    ),
    "callback": ("servicedesk.cli.complaints:callback", N_("The monthly callbacks to requesters.")),
    "records": (
        "servicedesk.cli.records_queries:records",
        N_("Records: retention and the purge of expired personal data."),
    ),
    "found": (
        "servicedesk.cli.records:found",
        N_("Lost and found: items handed in, kept, claimed."),
    ),
    "audit": (
        "servicedesk.cli.records_queries:audit",
        N_("The audit trail: check that nothing was changed."),
    ),
    "hall": (
        "servicedesk.cli.hall_cases:hall",
        N_("The service hall: its set-up, the queue at its windows and the applications."),
    ),
    "report": ("servicedesk.cli.report_queries:report", N_("What the desk shows a manager.")),
    "serve": (
        "servicedesk.cli.serve:serve",
        N_("Serve every command and query over HTTP, described at /openapi.json."),
    ),
    "relay": (
        "servicedesk.cli.relay:relay",
        N_("Publish every committed event to a broker, at least once, in order per record."),
    ),
    "appraisal": (
        "servicedesk.cli.appraisal:appraisal",
        N_("Staff appraisal: drawn from the records, signed by a manager."),
    ),
    "rating": (
        "servicedesk.cli.ratings:rating",
        N_("Public ratings of a service, and the follow-up of a bad one."),
    ),
    "enquiry": (
        "servicedesk.cli.enquiries:enquiry",
        N_("Consultations and suggestions, owned by the first person asked."),
    ),
    "roster": (
        "servicedesk.cli.staff:roster",
        N_("The duty roster: who is on shift when, and at which window."),
    ),
}


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # The package's own constant, not the installed metadata: scanning site-packages is slow.
    if value and not ctx.resilient_parsing:
        from servicedesk import __version__

        click.echo(f"servicedesk, version {__version__}")
        ctx.exit()


@click.group(cls=LazyGroup, lazy=COMMANDS, index=INDEX)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and exit.",
)
def main() -> None:
    """servicedesk: the service desk of property, community and government service centres."""
