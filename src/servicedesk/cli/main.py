"""The ``servicedesk`` command: its group and the explicit list of its command groups."""

from __future__ import annotations

import click

from servicedesk import __version__
from servicedesk.cli.base import DeskGroup
from servicedesk.cli.billing import account, charge, month, payment, statement
from servicedesk.cli.complaints import callback, complaint, escalate
from servicedesk.cli.demo import demo
from servicedesk.cli.records import records
from servicedesk.cli.relay import relay
from servicedesk.cli.reports import report
from servicedesk.cli.requests import catalogue, db, request, worker

#: Every command group of ``servicedesk``, in the order ``--help`` lists them.
COMMANDS: tuple[click.Command, ...] = (
    demo,
    db,
    catalogue,
    worker,
    request,
    account,
    charge,
    payment,
    month,
    statement,
    complaint,
    escalate,
    callback,
    records,
    report,
    relay,
)


@click.group(cls=DeskGroup)
@click.version_option(__version__, prog_name="servicedesk")
def main() -> None:
    """servicedesk: the service desk of property, community and government service centres."""


for command in COMMANDS:
    main.add_command(command)
