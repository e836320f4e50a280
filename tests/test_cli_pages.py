"""The paged lists from a terminal: a page, its count and the cursor to the next one."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from servicedesk.cli.main import main

CURSOR = re.compile(r"^next page: --cursor (\S+)$", re.M)


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("pages") / "centre.db"
    built = CliRunner().invoke(main, ["demo", "--db", str(db)])
    assert built.exit_code == 0, built.output
    return db


def ask(db: Path, *args: str) -> str:
    done = CliRunner().invoke(main, [*args, "--db", str(db)])
    assert done.exit_code == 0, done.output
    return done.output


def page(db: Path, *args: str) -> Any:
    return json.loads(ask(db, *args, "--json"))


def test_request_page_json_walks_every_request_once_by_its_cursors(centre: Path) -> None:
    first = page(centre, "request", "page", "--limit", "5", "--count")
    total = first["count"]
    ids = [row["id"] for row in first["items"]]
    cursor = first["next_cursor"]
    while cursor is not None:
        following = page(centre, "request", "page", "--limit", "5", "--cursor", cursor)
        assert following["count"] is None
        ids += [row["id"] for row in following["items"]]
        cursor = following["next_cursor"]
    assert len(ids) == len(set(ids)) == total > 5


def test_request_page_for_a_person_prints_the_rows_the_count_and_the_next_cursor(
    centre: Path,
) -> None:
    shown = ask(centre, "request", "page", "--limit", "2", "--count", "--sort", "id")
    assert "SR-01" in shown
    assert "SR-02" in shown
    assert "SR-03" not in shown
    assert re.search(r"^\d+ in all$", shown, re.M)
    cursor = CURSOR.search(shown)
    assert cursor is not None
    after = ask(centre, "request", "page", "--limit", "2", "--sort", "id", "--cursor", cursor[1])
    assert "SR-03" in after
    assert "SR-01" not in after


def test_request_page_filters_on_status(centre: Path) -> None:
    rows = page(centre, "request", "page", "--status", "dispatched", "--status", "closed")["items"]
    assert rows
    assert {row["status"] for row in rows} <= {"dispatched", "closed"}
    newest = page(centre, "request", "page", "--sort", "id", "--descending", "--limit", "1")
    assert newest["items"][0]["id"] == max(
        row["id"] for row in page(centre, "request", "page")["items"]
    )


def test_worker_jobs_lists_the_open_work_orders_unless_all(centre: Path) -> None:
    everything = page(centre, "worker", "jobs", "w-liu", "--all")["items"]
    still_open = page(centre, "worker", "jobs", "w-liu")["items"]
    assert {row["worker_id"] for row in everything} == {"w-liu"}
    assert {row["id"] for row in still_open} < {row["id"] for row in everything}
    assert "closed" not in {row["status"] for row in still_open}
    assert "Work orders of w-liu" in ask(centre, "worker", "jobs", "w-liu")


def test_worker_page_filters_on_skill_and_pages_by_id(centre: Path) -> None:
    plumbers = page(centre, "worker", "page", "--skill", "plumbing")["items"]
    assert plumbers
    assert all("plumbing" in row["skills"] for row in plumbers)
    first = page(centre, "worker", "page", "--limit", "1")
    second = page(centre, "worker", "page", "--limit", "1", "--cursor", first["next_cursor"])
    assert first["items"][0]["id"] < second["items"][0]["id"]
    assert "yes" in ask(centre, "worker", "page", "--available")


def test_a_bad_cursor_is_refused_in_one_line(centre: Path) -> None:
    done = CliRunner().invoke(
        main, ["request", "page", "--cursor", "nonsense", "--db", str(centre)]
    )
    assert done.exit_code != 0
    assert done.output.startswith("error: ")
    assert "Traceback" not in done.output


@pytest.mark.parametrize(
    "command",
    [
        ("account", "page"),
        ("statement", "page"),
        ("payment", "page"),
        ("payment", "receipts"),
        ("complaint", "page"),
        ("callback", "page"),
        ("request", "page"),
        ("worker", "page"),
    ],
    ids=" ".join,
)
def test_each_paged_list_walks_its_rows_once_by_its_cursors(
    centre: Path, command: tuple[str, str]
) -> None:
    everything = page(centre, *command, "--count")
    assert everything["next_cursor"] is None
    assert everything["count"] == len(everything["items"]) > 0
    seen: list[Any] = []
    cursor: str | None = None
    while True:
        more = ["--cursor", cursor] if cursor else []
        following = page(centre, *command, "--limit", "1", *more)
        seen += following["items"]
        cursor = following["next_cursor"]
        if cursor is None:
            break
    assert seen == everything["items"]


def test_the_money_lists_filter_as_asked(centre: Path) -> None:
    accounts = page(centre, "account", "page", "--kind", "tenant")["items"]
    assert accounts
    assert {row["kind"] for row in accounts} == {"tenant"}
    one = accounts[0]["id"]
    assert {
        r["account_id"] for r in page(centre, "payment", "page", "--account", one)["items"]
    } <= {one}
    april = page(centre, "statement", "page", "--period", "2026-04")["items"]
    assert april
    assert all(row["period"] == {"year": 2026, "month": 4} for row in april)
    assert page(centre, "statement", "page", "--period", "2026-01")["items"] == []
    assert page(centre, "payment", "page", "--voided")["items"] == []
    numbers = [
        r["number"] for r in page(centre, "payment", "receipts", "--sort", "number")["items"]
    ]
    assert numbers == sorted(numbers)


def test_the_case_lists_filter_as_asked(centre: Path) -> None:
    filed = page(centre, "complaint", "page", "--status", "filed")["items"]
    assert {row["status"] for row in filed} <= {"filed"}
    reached = page(centre, "callback", "page", "--status", "reached", "--month", "2026-04")["items"]
    assert reached
    assert all(row["status"] == "reached" for row in reached)
    assert all(row["month"] == {"year": 2026, "month": 4} for row in reached)


def test_a_request_and_a_complaint_tell_their_history_and_show_themselves(centre: Path) -> None:
    events = page(centre, "request", "history", "SR-01")
    assert events[0]["event"] == "RequestRegistered"
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    assert "WorkOrderDispatched" in ask(centre, "request", "history", "SR-01")
    complaint = page(centre, "complaint", "show", "CP-01")
    assert complaint["id"] == "CP-01"
    assert page(centre, "complaint", "history", "CP-01")
    overdue = {view["id"] for view in page(centre, "complaint", "overdue")}
    assert overdue <= {view["id"] for view in page(centre, "complaint", "list")}


def test_no_charge_is_left_to_audit_and_the_other_money_lists_answer(
    centre: Path,
) -> None:
    # The demo's assistant audits every charge before the month close (rule
    # billing.audit-before-statement), so none is left waiting.
    assert page(centre, "charge", "to-audit") == []
    assert isinstance(page(centre, "account", "top-up"), list)
    assert isinstance(page(centre, "receipt-book", "list"), list)
    assert "Charges to audit" in ask(centre, "charge", "to-audit")


def test_catalogue_show_is_the_item_of_the_list(centre: Path) -> None:
    items = page(centre, "catalogue", "list")
    assert page(centre, "catalogue", "show", items[0]["id"]) == items[0]


def test_the_hall_lists_its_windows_and_guides(tmp_path: Path) -> None:
    db = tmp_path / "hall.db"
    built = CliRunner().invoke(main, ["demo", "--hall", "--db", str(db)])
    assert built.exit_code == 0, built.output
    windows = page(db, "hall", "windows")
    assert windows
    assert all(window["items"] for window in windows)
    guides = page(db, "hall", "guides")
    assert {guide["item_id"] for guide in guides} >= set(windows[0]["items"])
    assert "Windows" in ask(db, "hall", "windows")
