"""The ``servicedesk`` command: its group and the explicit list of its command groups.

Each group's module is imported only when the group is used, so ``--version``
and ``--help`` load neither the library nor its stores.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import click

from servicedesk.cli.group import LazyGroup

#: Every command group of ``servicedesk``, in the order ``--help`` lists them: name -> where.
COMMANDS: dict[str, str] = {
    "demo": "servicedesk.cli.demo:demo",
    "db": "servicedesk.cli.requests:db",
    "catalogue": "servicedesk.cli.requests:catalogue",
    "worker": "servicedesk.cli.requests:worker",
    "request": "servicedesk.cli.requests:request",
    "account": "servicedesk.cli.billing:account",
    "charge": "servicedesk.cli.billing:charge",
    "payment": "servicedesk.cli.billing:payment",
    "month": "servicedesk.cli.billing:month",
    "statement": "servicedesk.cli.billing:statement",
    "complaint": "servicedesk.cli.complaints:complaint",
    "escalate": "servicedesk.cli.complaints:escalate",
    "callback": "servicedesk.cli.complaints:callback",
    "records": "servicedesk.cli.records:records",
    "report": "servicedesk.cli.reports:report",
}


def _version() -> str:
    try:
        return version("servicedesk")
    except PackageNotFoundError:  # run from a source tree that was never installed
        from servicedesk import __version__

        return __version__


@click.group(cls=LazyGroup, lazy=COMMANDS)
@click.version_option(_version(), prog_name="servicedesk")
def main() -> None:
    """servicedesk: the service desk of property, community and government service centres."""
