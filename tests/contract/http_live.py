"""A live HTTP server for the tests: uvicorn in a thread, on a free port, serving one desk."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import httpx
import uvicorn

from servicedesk.app.catalogue.commands import ApproveFee, ProposeItem
from servicedesk.app.desk import Desk
from servicedesk.app.requests.commands import RegisterWorker
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.catalogue import FeeStandard
from servicedesk.domain.money import Money
from servicedesk.domain.values import Actor, ActorId, Role
from servicedesk.http import create_app
from servicedesk.http.headers import actor_from_headers
from servicedesk.testing.scenario import START

#: How long a server may take to start before the test gives up (a loaded machine is slow).
STARTING = 60.0


class Clock:
    """The desk's clock, moved by the test between calls."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def headers(actor: str, *roles: str, acts_for: str = "") -> dict[str, str]:
    """The gateway's headers naming ``actor`` with ``roles`` (``servicedesk.http.headers``)."""
    found = {"X-Servicedesk-Actor": actor, "X-Servicedesk-Roles": ",".join(roles)}
    if acts_for:
        found["X-Servicedesk-Acts-For"] = acts_for
    return found


CLERK = headers("clerk", "clerk")
WORKER = headers("w-1", "worker")
CASHIER = headers("cashier", "cashier")
ASSISTANT = headers("li", "assistant")


def seeded(store: Store, clock: Clock) -> Desk:
    """A desk with a published tap repair (30.00) and a plumber, ``w-1``, set up in Python."""
    desk = Desk(store, clock=clock, entry_points=False)
    clerk = Actor(ActorId("clerk"), "Clerk", {Role.CLERK})
    fee = FeeStandard.fixed(Money.of("30.00"))
    desk.handle(
        ProposeItem(item_id="tap-repair", name="Tap repair", category="plumbing", fee=fee),
        actor=clerk,
    )
    for role in (Role.CENTRE_MANAGER, Role.BRANCH_MANAGER):
        manager = Actor(ActorId(f"{role.value}-1"), "Manager", {role})
        desk.handle(ApproveFee(item_id="tap-repair", role=role), actor=manager)
    desk.handle(RegisterWorker(worker_id="w-1", name="Sun", skills={"plumbing"}), actor=clerk)
    return desk


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(desk: Desk) -> Iterator[str]:
    """The desk's API served on 127.0.0.1 until the block ends; yields its base URL."""
    app: Any = create_app(desk, actor_from_request=actor_from_headers)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTING
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the HTTP server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(STARTING)


class Api:
    """An httpx client that sends commands and asks queries, failing loudly on a refusal."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def send(self, name: str, who: dict[str, str], **body: Any) -> dict[str, Any]:
        response = self.client.post(f"/commands/{name}", json=body, headers=who)
        assert response.status_code == 200, (name, response.text)
        found: dict[str, Any] = response.json()
        return found

    def ask(self, name: str, who: dict[str, str], **params: Any) -> Any:
        response = self.client.get(f"/queries/{name}", params=params, headers=who)
        assert response.status_code == 200, (name, response.text)
        return response.json()
