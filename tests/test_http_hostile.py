"""A sample of the hostile-input test over HTTP: a hostile JSON value in one field of an
otherwise plausible body is refused with a problem document and a code, and stores nothing."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from servicedesk import convert
from servicedesk.adapters.memory import MemoryStore
from servicedesk.app.desk import Desk
from servicedesk.http import create_app
from servicedesk.testing import store_state
from test_hostile_input import AT, EVERYONE, FIELDS, TEXTS, command_with, plausible, seed

#: Hostile values as JSON can carry them (a lone surrogate is not JSON; the door sees it in
#: the Python test).
HOSTILE_JSON: list[Any] = [
    None,
    0,
    -1,
    10**12,
    True,
    1.5,
    "",
    " ",
    "x" * 100_000,
    "\x00",
    "line\nbreak\r\t\x1b",
    [],
    ["plumbing"],
    {"a": 1},
    "1.005",
    "1e30",
    {"amount": "1.005"},
    {"amount": "1.00", "currency": "USD"},
    "2026-05-11T10:00:00",
    "9999-12-31T23:59:00+00:00",
    "no-such-request",
    "a" * 60,
]
#: Every eleventh field of the commands: a sample across the areas, quick enough to run always.
SAMPLE = FIELDS[::11]


def body_with(command: type, field: str, value: Any) -> dict[str, Any]:
    """A plausible body of ``command`` as JSON, with ``value`` in ``field``."""
    hint = TEXTS.get(field)
    plausible_command = command_with(command, field, hint or _plausible_of(command, field))
    body: dict[str, Any] = convert.unstructure(plausible_command)
    body[field] = value
    return body


def _plausible_of(command: type, field: str) -> Any:
    return plausible(typing.get_type_hints(command)[field])


def everyone(_request: Any) -> Any:
    return EVERYONE


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[TestClient[Any], MemoryStore]]:
    """One seeded desk and its API for the module: building an app per example is slow."""
    store = MemoryStore()
    desk = Desk(store, clock=lambda: AT, entry_points=False)
    seed(desk)
    with TestClient(create_app(desk, actor_from_request=everyone)) as api:
        yield api, store


@pytest.mark.parametrize(("command", "field"), SAMPLE, ids=[f"{c.__name__}.{f}" for c, f in SAMPLE])
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(value=st.sampled_from(HOSTILE_JSON))
def test_a_hostile_value_over_http_is_a_problem_and_changes_nothing(
    served: tuple[TestClient[Any], MemoryStore], command: type, field: str, value: Any
) -> None:
    api, store = served
    body = body_with(command, field, value)
    before = store_state(store)
    response = api.post(f"/commands/{command.__name__}", json=body)
    assert response.status_code < 500, response.text
    if response.status_code != 200:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"]
        assert store_state(store) == before
