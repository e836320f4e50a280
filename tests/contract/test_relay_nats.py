"""The relay process publishing to NATS JetStream while commands run, killed with -9 twice.

``servicedesk relay`` runs as its own process on a SQL store.  Commands are
given while it publishes; it is SIGKILLed in the middle of its work and started
again, twice; then a month close issues statements in bulk and a third relay
publishes the rest and is stopped.  The stream then holds every event of the
feed, each aggregate's in order, a message twice only with the same position
and body, and the close's ``StatementIssued`` events among them.

The broker is named by ``SERVICEDESK_TEST_NATS_URL`` (``.ci/run`` starts it and
sets it); without it, or without an answering server, the test skips and says
why, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
import pytest
import sqlalchemy as sa
from contract_billing import at, billing_desk, confirmed_charge, open_account
from contract_databases import SQL_STORES, scratch, unavailable
from contract_relay import check_delivery
from contract_scenario import Clock, register

from servicedesk import TriageRequest
from servicedesk.adapters.relay import STREAM, TYPE, JetStreamPublisher, Message
from servicedesk.adapters.sql import SqlStore
from servicedesk.adapters.sql import tables as t
from servicedesk.app.billing.commands import CloseMonth
from servicedesk.app.feed.ports import FeedEvent
from servicedesk.domain.errors import RelayError

WAIT = 120.0  # seconds for anything the test waits for, so that it never hangs
PAGE = 4  # events per page of the relays: what a kill may make one send again


def broker_url() -> str:
    url = os.environ.get("SERVICEDESK_TEST_NATS_URL")
    if not url:
        unavailable("SERVICEDESK_TEST_NATS_URL is not set, so the relay to NATS is not tested")
    assert url is not None
    try:
        import nats  # noqa: F401
    except ImportError:
        unavailable("nats-py is not installed (pip install -e '.[dev]')")
    where = urlsplit(url)
    try:
        socket.create_connection((where.hostname or "127.0.0.1", where.port or 4222), 3).close()
    except OSError as error:
        unavailable(f"no NATS server answers at {url}: {error}")
    return url


class Stream:
    """The test's own JetStream stream, read back message by message, deleted at the end."""

    def __init__(self, url: str, name: str) -> None:
        import nats

        self.name = name
        self.loop = asyncio.new_event_loop()
        self.connection = self.loop.run_until_complete(nats.connect(url, connect_timeout=5))
        self.jetstream = self.connection.jetstream()
        self._drop()

    def make(self, duplicate_window: float) -> None:
        """The stream, made before a relay would make it with the default duplicate window."""
        subjects = [f"{self.name.lower()}.>"]
        made = self.jetstream.add_stream(
            name=self.name, subjects=subjects, duplicate_window=duplicate_window
        )
        self.loop.run_until_complete(made)

    def _drop(self) -> None:
        from nats.js.errors import NotFoundError

        with contextlib.suppress(NotFoundError):
            self.loop.run_until_complete(self.jetstream.delete_stream(self.name))

    def count(self) -> int:
        from nats.js.errors import NotFoundError

        try:
            info = self.loop.run_until_complete(self.jetstream.stream_info(self.name))
        except NotFoundError:
            return 0
        return int(info.state.messages)

    def messages(self) -> list[Message]:
        """Every message of the stream, in the order the broker stored them."""

        async def read(count: int) -> list[Message]:
            found = []
            for seq in range(1, count + 1):
                raw = await self.jetstream.get_msg(self.name, seq)
                headers = dict(raw.headers or {})
                body = raw.data or b""
                found.append(Message(str(raw.subject), body, headers, headers["Nats-Msg-Id"]))
            return found

        return self.loop.run_until_complete(read(self.count()))

    def close(self) -> None:
        self._drop()
        self.loop.run_until_complete(self.connection.close())
        self.loop.close()


def wait_for(what: str, done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {WAIT:.0f} s for {what}")
        time.sleep(0.02)


class Relays:
    """``servicedesk relay`` processes on one database and stream, started by the test."""

    def __init__(self, db: str, broker: str, stream: str, logs: Path) -> None:
        self.command = [
            sys.executable,
            "-c",
            "from servicedesk.cli.main import main; main()",
            "relay",
            "--db",
            db,
            "--to",
            broker,
            "--stream",
            stream,
            "--prefix",
            stream.lower(),
            "--page",
            str(PAGE),
            "--idle",
            "0.05",
        ]
        self.logs = logs
        self.started = 0

    def start(self) -> subprocess.Popen[bytes]:
        self.started += 1
        with (self.logs / f"relay-{self.started}.log").open("wb") as log:  # the child keeps it
            return subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT)

    def log(self, number: int) -> str:
        return (self.logs / f"relay-{number}.log").read_text(errors="replace")


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=WAIT) == -signal.SIGKILL


def stored_position(store: SqlStore) -> str | None:
    p = t.relay_positions.c
    with store.engine.connect() as connection:
        found: str | None = connection.execute(sa.select(p.position)).scalar()
    return found


def requests(d: Any, first: int, count: int) -> Iterator[str]:
    for number in range(first, first + count):
        request = register(d, f"r-{number}")
        d.handle(TriageRequest(request_id=request, item_id="tap", urgency="ordinary"))
        yield request


@pytest.mark.parametrize("backend", SQL_STORES)
def test_a_relay_killed_twice_still_delivers_every_event_in_order_per_aggregate(
    backend: str, tmp_path: Path
) -> None:
    broker = broker_url()
    name = f"SDTEST_{backend.upper()}_{os.getpid()}"
    stream = Stream(broker, name)
    stream.make(duplicate_window=0.1)  # the least allowed: what the relay sends again shows
    try:
        with scratch(backend, "relay", tmp_path) as url:
            store = SqlStore(url)
            clock = Clock(at(3, 2, 9))
            d = billing_desk(store, clock)
            for unit in ("1-101", "1-102", "2-201"):
                open_account(d, unit)
                confirmed_charge(d, f"c-{unit}", unit)
            list(requests(d, 0, 20))  # a backlog for the first relay
            relays = Relays(url.render_as_string(hide_password=False), broker, name, tmp_path)

            first = relays.start()
            wait_for("the first relay to publish", lambda: stream.count() >= 30)
            list(requests(d, 20, 5))  # while it publishes
            kill(first)
            killed_at = stream.count()
            behind = len(list(d.events.since(None, 1000))) - killed_at
            list(requests(d, 25, 10))  # while no relay runs

            second = relays.start()
            list(requests(d, 35, 10))  # while it publishes
            wait_for("the second relay to go on", lambda: stream.count() >= killed_at + 30)
            kill(second)

            clock.now = at(4, 1, 9)
            d.handle(CloseMonth(period="2026-03"))  # statements issued in bulk on SQL
            whole: list[FeedEvent] = list(d.events.since(None, 1000))
            last = str(whole[-1].position)
            third = relays.start()
            wait_for(
                "the third relay to reach the feed's end", lambda: stored_position(store) == last
            )
            third.send_signal(signal.SIGTERM)
            assert third.wait(timeout=WAIT) == 0, relays.log(3)
            store.close()
        kept = stream.messages()
    finally:
        stream.close()

    print(
        f"{backend}: {len(whole)} events, {len(kept)} messages, first relay killed {behind} behind"
    )
    check_delivery(kept, whole)
    assert len(kept) - len(whole) <= 2 * PAGE, "each restart sends again at most the page it was at"
    issued = [m for m in kept if m.headers[TYPE] == "StatementIssued"]
    assert len({m.id for m in issued}) == 3
    assert all(m.headers[STREAM] == "statement" for m in issued)
    assert all(m.subject == f"{name.lower()}.statement.StatementIssued" for m in issued)
    assert relays.started == 3


def test_jetstream_keeps_one_copy_of_a_message_published_again(tmp_path: Path) -> None:
    """Within the stream's duplicate window, ``Nats-Msg-Id`` (the position) drops a resend."""
    broker = broker_url()
    name = f"SDTEST_DEDUP_{os.getpid()}"
    stream = Stream(broker, name)
    publisher = JetStreamPublisher(broker, stream=name, prefix=name.lower())
    try:
        first = Message(f"{name.lower()}.request.RequestRegistered", b"{}", {}, "1")
        publisher.publish([first])
        publisher.publish([first, attrs.evolve(first, id="2")])
        assert [m.id for m in stream.messages()] == ["1", "2"]
    finally:
        publisher.close()
        stream.close()


def test_a_broker_that_does_not_answer_is_a_relay_error() -> None:
    with pytest.raises(RelayError, match="did not take") as refused:
        JetStreamPublisher("nats://user:secret@127.0.0.1:1", timeout=0.5)
    assert "secret" not in refused.value.message
