"""The door of a paged list: bad cursors, limits, sorts and filters are typed refusals."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import pytest

from servicedesk import (
    Contact,
    Desk,
    InvalidValue,
    MemoryStore,
    RegisterRequest,
    Requester,
    RequestFilter,
    Status,
    WorkerFilter,
)
from servicedesk.domain.values import WorkerId


@pytest.fixture
def desk() -> Desk:
    d = Desk(MemoryStore(), entry_points=False)
    for number in range(3):
        requester = Requester("Chen", "3-502", Contact("13800138000"))
        d.handle(RegisterRequest(request_id=f"r-{number}", requester=requester, need="tap"))
    return d


def refused(call: Any, field: str, code: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        call()
    assert caught.value.field == field
    assert caught.value.code == code


def _flip(cursor: str) -> str:
    data = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    data[30] ^= 1
    return base64.urlsafe_b64encode(bytes(data)).decode().rstrip("=")


def test_a_malformed_edited_or_foreign_cursor_is_refused(desk: Desk) -> None:
    cursor = desk.queries.requests_page(limit=1).next_cursor
    assert cursor is not None
    q = desk.queries
    for bad in ("", "not base64!", "AAAA", cursor[:-3], _flip(cursor), "x" * 5000):
        refused(lambda bad=bad: q.requests_page(cursor=bad), "cursor", "page.bad_cursor")
    refused(lambda: q.requests_page(cursor=cursor, sort="id"), "cursor", "page.bad_cursor")
    refused(lambda: q.requests_page(cursor=cursor, descending=True), "cursor", "page.bad_cursor")
    refused(lambda: q.workers_page(cursor=cursor), "cursor", "page.bad_cursor")
    refused(lambda: q.requests_page(cursor=42), "cursor", "page.bad_cursor")  # type: ignore[arg-type]


@pytest.mark.parametrize("limit", [0, -1, 201, 10_000, True, "5", 2.0, None])
def test_a_limit_outside_1_to_200_is_refused(desk: Desk, limit: Any) -> None:
    refused(lambda: desk.queries.requests_page(limit=limit), "limit", "page.bad_limit")


def test_a_sort_the_list_does_not_offer_is_refused(desk: Desk) -> None:
    for sort in ("need", "unit", "", 3):
        refused(lambda sort=sort: desk.queries.requests_page(sort=sort), "sort", "page.bad_sort")
    refused(lambda: desk.queries.requests_page(descending="yes"), "descending", "input.invalid")  # type: ignore[arg-type]
    refused(lambda: desk.queries.requests_page(with_count=1), "with_count", "input.invalid")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"unit": "3-502"}, "filter"),
        (WorkerFilter(), "filter"),
        (RequestFilter(worker_id="w-1"), "filter.worker_id"),  # type: ignore[arg-type]
        (RequestFilter(status=frozenset({"registered"})), "filter.status[0]"),  # type: ignore[arg-type]
        (RequestFilter(status={Status.REGISTERED}), "filter.status"),  # type: ignore[arg-type]
        (RequestFilter(unit=502), "filter.unit"),  # type: ignore[arg-type]
        (RequestFilter(unit="3-5\x0002"), "filter.unit"),
        (RequestFilter(registered_from=datetime(2026, 3, 2)), "filter.registered_from"),
        (RequestFilter(overdue="yes"), "filter.overdue"),  # type: ignore[arg-type]
    ],
)
def test_a_filter_of_the_wrong_type_is_refused_naming_its_field(
    desk: Desk, given: Any, field: str
) -> None:
    refused(lambda: desk.queries.requests_page(given), field, "input.invalid")


def test_a_workers_filter_of_the_wrong_type_is_refused(desk: Desk) -> None:
    refused(
        lambda: desk.queries.workers_page(WorkerFilter(available="no")),
        "filter.available",
        "input.invalid",
    )  # type: ignore[arg-type]
    refused(lambda: desk.queries.jobs_page(WorkerId("w-1"), limit=0), "limit", "page.bad_limit")


def test_a_refused_page_says_nothing_of_the_value_given(desk: Desk) -> None:
    with pytest.raises(InvalidValue) as caught:
        desk.queries.requests_page(RequestFilter(unit=13800138000))  # type: ignore[arg-type]
    assert "13800138000" not in str(caught.value)
