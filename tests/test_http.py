"""The HTTP API in process: its routes read off the library, who may call, refusals, OpenAPI."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from servicedesk.adapters.memory import MemoryStore
from servicedesk.app.billing.queries import BillingQueries
from servicedesk.app.bootstrap import command_types
from servicedesk.app.desk import Desk
from servicedesk.domain.errors import (
    ConcurrencyConflict,
    ConsentRequired,
    IllegalTransition,
    PermissionDenied,
    StoreBusy,
)
from servicedesk.domain.values import Actor, ActorId, Role
from servicedesk.http import create_app, language
from servicedesk.http.headers import actor_from_headers
from servicedesk.http.problems import problem

CLERK = {"X-Servicedesk-Actor": "clerk", "X-Servicedesk-Roles": "clerk"}


def client(desk: Desk | None = None, **kwargs: Any) -> TestClient[Any]:
    return TestClient(create_app(desk or Desk(MemoryStore()), **kwargs))


def test_without_an_actor_hook_everything_but_health_is_refused_with_401() -> None:
    with client() as api:
        assert api.get("/health").json() == {"status": "ok"}
        assert api.get("/openapi.json").status_code == 200
        for response in (
            api.post("/commands/RegisterRequest", json={}, headers=CLERK),
            api.get("/queries/queries.open_requests", headers=CLERK),
            api.get("/events", headers=CLERK),
        ):
            assert response.status_code == 401
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["code"] == "http.unauthenticated"


def test_the_actor_hook_may_refuse_and_may_be_asynchronous() -> None:
    def refuse(_request: Any) -> Actor:
        raise PermissionDenied("no", code="permission.denied")

    async def clerk(_request: Any) -> Actor:
        return Actor(ActorId("clerk"), "Clerk", {Role.CLERK})

    with client(actor_from_request=refuse) as api:
        assert api.get("/queries/queries.open_requests").status_code == 403
    with client(actor_from_request=clerk) as api:
        assert api.get("/queries/queries.open_requests").json() == []


def test_a_requester_does_not_read_the_event_feed() -> None:
    requester = {**CLERK, "X-Servicedesk-Roles": "requester", "X-Servicedesk-Acts-For": "r-1"}
    with client(actor_from_request=actor_from_headers) as api:
        refused = api.get("/events", headers=requester)
        assert refused.status_code == 403
        assert refused.json()["code"] == "http.feed_for_staff"
        assert api.get("/events", headers=CLERK, params={"limit": 0}).json()["field"] == "limit"


def test_unknown_routes_parameters_and_bodies_are_problems_with_codes() -> None:
    with client(actor_from_request=actor_from_headers) as api:
        assert api.get("/nowhere").json()["code"] == "http.not_found"
        unknown = api.get("/queries/queries.request", params={"nope": "1"}, headers=CLERK)
        assert (unknown.status_code, unknown.json()["field"]) == (422, "nope")
        missing = api.get("/queries/queries.request", headers=CLERK)
        assert missing.json()["code"] == "http.missing_parameter"
        not_json = api.post("/commands/RegisterRequest", content=b"{", headers=CLERK)
        assert (not_json.status_code, not_json.json()["code"]) == (422, "http.not_json")
        body = {"request_id": "r-1", "reason": "out of scope", "x": 1}
        extra = api.post("/commands/DeclineRequest", json=body, headers=CLERK)
        assert extra.json()["code"] == "input.unknown_field"


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        ("zh-CN,en;q=0.8", "zh_CN"),
        ("en-US", "en"),
        ("fr-FR", "en"),
        (None, "en"),
        ("en;q=0.5, zh;q=0.9", "zh_CN"),
        ("zh;q=bad, en", "en"),
    ],
)
def test_the_language_of_a_refusal_is_the_one_accept_language_prefers(
    header: str | None, locale: str
) -> None:
    assert language(header) == locale


def test_a_category_is_a_status_and_a_surviving_conflict_is_retryable() -> None:
    assert problem(ConcurrencyConflict("changed"))[0] == 409
    assert problem(ConcurrencyConflict("changed"))[1]["retryable"] is True
    assert problem(StoreBusy("busy"))[:1] == (503,)
    assert problem(StoreBusy("busy"))[1]["retryable"] is True
    status, body = problem(IllegalTransition("closed", code="request.illegal_transition"))
    assert (status, body["retryable"], body["code"]) == (409, False, "request.illegal_transition")
    assert problem(ConsentRequired("no consent"))[0] == 422


def test_every_command_and_query_has_its_route_and_its_description() -> None:
    desk = Desk(MemoryStore())
    with client(desk) as api:
        document = api.get("/openapi.json").json()
    paths = document["paths"]
    assert {f"/commands/{name}" for name in command_types()} <= set(paths)
    assert {f"/queries/{name}" for name in desk.query_names()} <= set(paths)
    for path in paths.values():
        for operation in path.values():
            if operation["operationId"] != "health":
                assert {"401", "403", "404", "409", "422", "503"} <= set(operation["responses"])
    schemas = document["components"]["schemas"]
    assert document["openapi"].startswith("3.1")
    assert schemas["Money"]["properties"]["amount"]["pattern"] == r"^-?[0-9]+(\.[0-9]{1,2})?$"
    assert schemas["MoneyView"]["properties"]["amount"]["pattern"] == r"^-?[0-9]+\.[0-9]{2}$"
    register = schemas["RegisterRequest"]
    assert "wechat" in register["properties"]["channel"]["enum"]
    assert register["required"] == ["requester", "need"]
    assert register["additionalProperties"] is False
    assert schemas["TriageRequest"]["properties"]["request_id"]["maxLength"] == 48


def test_a_query_method_added_to_a_query_object_is_served_without_a_line_in_the_api() -> None:
    class MoreBilling(BillingQueries):
        def newest(self, limit: int = 10, *, actor: Actor | None = None) -> list[str]:
            """The newest ids, up to ``limit``."""
            return [str(n) for n in range(limit)]

    desk = Desk(MemoryStore())
    desk.billing = MoreBilling(desk.store, desk.policies, desk.clock, desk.billing.access)
    with client(desk, actor_from_request=actor_from_headers) as api:
        parameters = api.get("/openapi.json").json()["paths"]["/queries/billing.newest"]
        assert parameters["get"]["parameters"][0]["name"] == "limit"
        assert api.get("/queries/billing.newest", params={"limit": 2}, headers=CLERK).json() == [
            "0",
            "1",
        ]


def test_serve_refuses_a_missing_database_before_starting_a_server(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from servicedesk.cli.main import main

    missing = str(tmp_path / "none.db")
    result = CliRunner().invoke(main, ["serve", "--db", missing, "--actor", "headers"])
    assert result.exit_code == 1
    assert "servicedesk db upgrade" in result.output
