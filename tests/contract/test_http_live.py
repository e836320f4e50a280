"""The HTTP API against a live server (uvicorn on a free port), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest
from contract_databases import Databases, wipe
from http_live import ASSISTANT, CASHIER, CLERK, WORKER, Api, Clock, headers, seeded, serving

from servicedesk.adapters.sql import SqlStore
from servicedesk.testing.scenario import SHANGHAI

RESIDENT = {"name": "Resident", "unit": "1-101", "contact": {"phone": "13800138000"}}
#: The requester's word, given at the counter and witnessed by the clerk.
IN_PERSON = {"given": "in_person", "witnessed_by": "clerk"}


@pytest.fixture(params=("sqlite", "postgresql"))
def live(request: pytest.FixtureRequest, databases: Databases) -> Iterator[tuple[Api, Clock]]:
    store = SqlStore(databases.url(request.param), migrate=False)
    clock = Clock()
    try:
        desk = seeded(store, clock)
        with serving(desk) as url, httpx.Client(base_url=url, timeout=60) as client:
            yield Api(client), clock
    finally:
        wipe(store)
        store.close()


def test_a_whole_job_and_its_month_close_over_http(live: tuple[Api, Clock]) -> None:
    api, clock = live
    account = api.send("OpenAccount", CLERK, requester=RESIDENT)["id"]
    request = api.send("RegisterRequest", CLERK, requester=RESIDENT, need="the tap drips")["id"]
    api.send("TriageRequest", CLERK, request_id=request, item_id="tap-repair")
    api.send("DispatchRequest", CLERK, request_id=request, worker_id="w-1")
    api.send("StartWork", WORKER, request_id=request)
    api.send("CompleteWork", WORKER, request_id=request)
    api.send("AcceptWork", CLERK, request_id=request, signed_by="Resident", evidence=IN_PERSON)
    charge = api.send("RecordCharge", CLERK, request_id=request)["id"]
    api.send("ConfirmCharge", CLERK, charge_id=charge, signed_by="Resident", evidence=IN_PERSON)
    api.send("AuditCharge", ASSISTANT, charge_id=charge)  # before the month is summed
    assert api.ask("queries.request", CLERK, request_id=request)["status"] == "accepted"

    clock.now = datetime(2026, 4, 1, 9, tzinfo=SHANGHAI)
    api.send("CloseMonth", CLERK, period={"year": 2026, "month": 3})
    statement = api.ask("billing.statement", CLERK, statement_id=f"{account}:2026-03")
    assert statement["total"] == {"amount": "30.00", "currency": "CNY"}
    paid = api.send("RecordPayment", CASHIER, account_id=account, amount={"amount": "30.00"})
    assert "PaymentRecorded" in [e["type"] for e in paid["events"]]
    statement = api.ask("billing.statement", CLERK, statement_id=f"{account}:2026-03")
    assert statement["status"] == "paid"

    kinds, after = [], ""
    while True:  # the feed, two events a page, from the start to its end
        page = api.client.get("/events", params={"after": after, "limit": 2}, headers=CLERK).json()
        kinds += [e["event"]["type"] for e in page["events"]]
        if not page["events"]:
            break
        after = page["after"]
    assert (
        kinds.index("RequestRegistered")
        < kinds.index("WorkAccepted")
        < kinds.index("PaymentRecorded")
    )


def test_a_command_sent_twice_under_one_key_is_carried_out_once(live: tuple[Api, Clock]) -> None:
    api, _clock = live
    body = {"requester": RESIDENT, "need": "the tap drips"}
    sent = {**CLERK, "Idempotency-Key": "form-1"}
    first = api.client.post("/commands/RegisterRequest", json=body, headers=sent)
    again = api.client.post("/commands/RegisterRequest", json=body, headers=sent)
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert len(api.ask("queries.open_requests", CLERK)) == 1
    other = api.client.post(
        "/commands/RegisterRequest", json={**body, "need": "the light"}, headers=sent
    )
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency.key_reused"


def test_a_refusal_over_http_is_a_problem_in_the_callers_language(live: tuple[Api, Clock]) -> None:
    api, _clock = live
    nobody = api.client.post("/commands/RegisterRequest", json={})
    assert nobody.status_code == 401
    assert nobody.headers["content-type"].startswith("application/problem+json")
    unknown = api.client.get(
        "/queries/queries.request",
        params={"request_id": "r-404"},
        headers={**CLERK, "Accept-Language": "zh-CN,en;q=0.5"},
    )
    assert unknown.status_code == 404
    problem = unknown.json()
    assert problem["code"] == "request.not_found"
    assert problem["status"] == 404
    assert any("\u4e00" <= c <= "\u9fff" for c in problem["detail"])  # written in Chinese
    march = {"period": {"year": 2026, "month": 3}}
    worker = api.client.post("/commands/CloseMonth", json=march, headers=headers("w-1", "worker"))
    assert worker.status_code == 403
    assert worker.json()["category"] == "forbidden"
    assert api.client.get("/health").json() == {"status": "ok"}
