"""``servicedesk relay``: publish the event feed to a message broker until stopped."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

import click

from servicedesk.adapters.relay import JetStreamPublisher, Relay, positions_of
from servicedesk.app.feed.queries import EventFeed
from servicedesk.cli.base import done, open_store, options
from servicedesk.domain.errors import InvalidValue
from servicedesk.i18n import _


@click.command("relay")
@click.option(
    "--db",
    envvar="SERVICEDESK_DB",
    default="servicedesk.db",
    show_default=True,
    help="SQLite file, or a PostgreSQL/MariaDB URL ($SERVICEDESK_DB).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option(
    "--to",
    "broker",
    envvar="SERVICEDESK_RELAY_TO",
    required=True,
    help="The broker: nats://host:4222 for NATS JetStream ($SERVICEDESK_RELAY_TO).",
)
@click.option("--name", default="default", show_default=True, help="The relay's stored position.")
@click.option("--stream", default="SERVICEDESK", show_default=True, help="The JetStream stream.")
@click.option("--prefix", default="servicedesk", show_default=True, help="Subjects' first token.")
@click.option("--page", default=500, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--idle", default=0.5, show_default=True, type=click.FloatRange(0.01, 60))
@click.option("--once", is_flag=True, help="Publish what the feed holds now, then stop.")
@click.option(
    "--with-personal-data",
    "personal_data",
    is_flag=True,
    help="Publish events as stored; by default names, units and phones are erased from them.",
)
def relay(broker: str, **kwargs: Any) -> None:
    """Publish every committed event to a broker, at least once, in order per record."""
    once = kwargs.pop("once")
    idle = kwargs.pop("idle")
    settings = {k: kwargs.pop(k) for k in ("name", "stream", "prefix", "page", "personal_data")}
    opts = options({**kwargs, "now": None, "actor": None, "roles": ()})
    if not broker.startswith(("nats://", "tls://")):
        raise click.BadParameter(_("Only NATS brokers (nats://) are known."), param_hint="--to")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    store = open_store(opts.db)
    try:
        publisher = _publisher(broker, settings["stream"], settings["prefix"])
        try:
            relaying = Relay(
                EventFeed(store),
                publisher,
                positions_of(store),
                name=settings["name"],
                prefix=settings["prefix"],
                page=settings["page"],
                personal_data=settings["personal_data"],
            )
            if once:
                published = relaying.drain()
                done(opts, _("published {count} events"), None, count=published)
                return
            stop = threading.Event()
            for number in (signal.SIGTERM, signal.SIGINT):
                signal.signal(number, lambda *_args: stop.set())
            relaying.run(stop, idle=idle)
        finally:
            publisher.close()
    finally:
        getattr(store, "close", lambda: None)()


def _publisher(broker: str, stream: str, prefix: str) -> JetStreamPublisher:
    try:
        return JetStreamPublisher(broker, stream=stream, prefix=prefix)
    except ImportError:
        raise InvalidValue(
            _("The NATS client is not installed: pip install 'servicedesk[nats]'."),
            code="cli.invalid",
        ) from None
