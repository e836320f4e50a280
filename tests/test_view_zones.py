"""Every datetime of every view is shown in the organisation's zone (+08:00 by default).

The demo's day, month end and hall day fill every area; every query of both
desks is asked with ids found in that data, and every ``*View`` they answer is
walked field by field.  Each view class under ``app/`` that can hold a time must
turn up, so that a new view is covered the day it is added.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

import servicedesk.app
from servicedesk import Contact, Desk, GiveRating
from servicedesk.app.appraisal.commands import DrawAppraisal, SignAppraisal
from servicedesk.app.billing.commands import RequestInvoice
from servicedesk.app.enquiries.commands import TakeEnquiry
from servicedesk.app.records.commands import LogFoundItem
from servicedesk.app.staff.commands import RosterShift
from servicedesk.app.zone import in_zone
from servicedesk.demo.day import run_day
from servicedesk.demo.hall_day import run_hall_day
from servicedesk.demo.month_end import run_month_end
from servicedesk.demo.steps import DemoClock
from servicedesk.domain.errors import ServiceDeskError
from servicedesk.domain.lost_found import Finder
from servicedesk.testing import IN_PERSON
from support import CENTRE_MANAGER, CLERK

ORG_OFFSET = timedelta(hours=8)


def _view_classes() -> dict[str, type[Any]]:
    """Every attrs class named ``*View`` in the modules under ``servicedesk.app``."""
    found: dict[str, type[Any]] = {}
    for module in pkgutil.walk_packages(servicedesk.app.__path__, "servicedesk.app."):
        for name, value in vars(importlib.import_module(module.name)).items():
            if name.endswith("View") and inspect.isclass(value) and attrs.has(value):
                found[f"{value.__module__}.{name}"] = value
    return found


def _holds_time(cls: type[Any], seen: frozenset[type[Any]] = frozenset()) -> bool:
    """Whether an instance of ``cls`` can hold a datetime, in a field or nested in one."""
    if cls in seen:
        return False
    hints = typing.get_type_hints(cls)
    for hint in hints.values():
        for part in _parts(hint):
            if part is datetime or (
                inspect.isclass(part) and attrs.has(part) and _holds_time(part, seen | {cls})
            ):
                return True
    return False


def _parts(hint: Any) -> list[Any]:
    args = typing.get_args(hint)
    return [hint] if not args else [p for a in args for p in _parts(a)]


def _walk(value: Any, views: set[type[Any]], times: list[tuple[str, datetime]], where: str) -> None:
    if isinstance(value, datetime):
        times.append((where, value))
    elif attrs.has(type(value)):
        if type(value).__name__.endswith("View"):
            views.add(type(value))
        for field in attrs.fields(type(value)):
            _walk(getattr(value, field.name), views, times, f"{where}.{field.name}")
    elif isinstance(value, list | tuple):
        for n, item in enumerate(value):
            _walk(item, views, times, f"{where}[{n}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(item, views, times, f"{where}[{key!r}]")


def _ask_everything(desk: Desk, values: dict[str, list[Any]]) -> list[tuple[str, Any]]:
    """Every query of ``desk``, with each required argument drawn from ``values``."""
    answers = []
    for name in desk.query_names():
        area, method = name.split(".")
        query = getattr(getattr(desk, area), method)
        required = [
            p.name
            for p in inspect.signature(query).parameters.values()
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        if any(not values.get(p) for p in required):
            continue
        for n in range(max((len(values[p]) for p in required), default=1)):
            arguments = {p: values[p][n % len(values[p])] for p in required}
            try:
                answers.append((f"{name}({arguments})", query(**arguments)))
            except ServiceDeskError:
                continue  # an id of one area asked of another: nothing to show
    return answers


def _month(plain: dict[str, int]) -> str:
    return f"{plain['year']:04d}-{plain['month']:02d}"


def _values(desk: Desk, hall: Desk) -> dict[str, list[Any]]:
    """Ids the demo left behind, by the name of the parameter that takes them."""
    requests = [v.id.value for v in desk.queries.open_requests()]
    tables = desk.store.tables  # type: ignore[attr-defined]
    stored = {kind: [row[1] for row in rows.values()] for kind, rows in tables.items()}
    hall_tables = hall.store.tables  # type: ignore[attr-defined]
    hall_stored = {kind: [row[1] for row in rows.values()] for kind, rows in hall_tables.items()}
    request_ids = [r["id"] for r in stored.get("request", [])] or requests
    months = sorted({_month(c["month"]) for c in stored.get("callback", [])})
    return {
        "request_id": request_ids,
        "item_id": [i["id"] for i in stored.get("item", [])]
        + [g["id"] for g in hall_stored.get("guide", [])],
        "account_id": [a["id"] for a in stored.get("account", [])],
        "charge_id": [c["id"] for c in stored.get("charge", [])],
        "statement_id": [s["id"] for s in stored.get("statement", [])],
        "series": sorted({r["series"] for r in stored.get("receipt", [])}),
        "complaint_id": [c["id"] for c in stored.get("complaint", [])],
        "worker_id": [w["id"] for w in stored.get("worker", [])],
        "month": months,
        "period": sorted({_month(s["period"]) for s in stored.get("statement", [])}),
        "first": months,
        "last": months,
        "application_id": [a["id"] for a in hall_stored.get("hall_application", [])],
        "enquiry_id": [e["id"] for e in stored.get("enquiry", [])],
        "phone": [r["requester"]["contact"]["phone"] for r in stored.get("request", [])][:2],
        "appraisal_id": [a["id"] for a in stored.get("appraisal", [])],
        "staff": [a["staff"] for a in stored.get("appraisal", [])],
        "rating_id": [r["id"] for r in stored.get("rating", [])],
        "staff_id": [f["id"] for f in stored.get("staff_file", [])],
    }


def test_every_view_shows_every_time_in_the_organisations_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A server's clock answers in UTC: the demo's, moved to UTC, stores every time as UTC.
    monkeypatch.setattr(DemoClock, "__call__", lambda self: self.now.astimezone(UTC))
    day = run_day()
    run_month_end(day)
    hall_day = run_hall_day()
    # the views the demo's days leave no data for: an invoice asked for, an umbrella found, an
    # enquiry taken
    charges = day.desk.store.tables["charge"].values()  # type: ignore[attr-defined]
    confirmed = next(doc["id"] for _v, doc in charges if doc["confirmed_at"] is not None)
    day.desk.handle(RequestInvoice(charge_id=confirmed))
    finder = Finder("Liu Yang", Contact("13900001111"))
    found = LogFoundItem(description="umbrella", place="lobby", valuable=False, finder=finder)
    day.desk.handle(found, actor=CLERK)
    # an appraisal of the demo's month, signed
    worker = min(w.value for w in day.desk.store.tables["worker"])  # type: ignore[attr-defined]
    month = sorted(_values(day.desk, hall_day.desk)["month"])[0]
    drawn = day.desk.handle(DrawAppraisal(staff=worker, period=month)).id
    day.desk.handle(SignAppraisal(appraisal_id=drawn), actor=CENTRE_MANAGER)
    # and a bad rating of a job the requester accepted, with its follow-up
    requests = day.desk.store.tables["request"].values()  # type: ignore[attr-defined]
    accepted = next(doc["id"] for _v, doc in requests if doc["status"] in ("accepted", "closed"))
    rated = GiveRating(request_id=accepted, level="dissatisfied", channel="in_person")
    day.desk.handle(attrs.evolve(rated, evidence=IN_PERSON), actor=CLERK)
    asked = TakeEnquiry(kind="consultation", asker_name="Liu Yang", question="Saturday hours?")
    day.desk.handle(asked, actor=CLERK)
    # and a staff file, on a shift from an hour on
    start = day.desk.clock() + timedelta(hours=1)
    day.desk.handle(RosterShift(staff_id="w-1", start=start, end=start + timedelta(hours=8)))
    views: set[type[Any]] = set()
    times: list[tuple[str, datetime]] = []
    for desk, hall in ((day.desk, hall_day.desk), (hall_day.desk, hall_day.desk)):
        for where, answer in _ask_everything(desk, _values(desk, hall)):
            _walk(answer, views, times, where)

    wrong = [(where, at.isoformat()) for where, at in times if at.utcoffset() != ORG_OFFSET]
    assert not wrong, wrong[:10]
    with_times = {name for name, cls in _view_classes().items() if _holds_time(cls)}
    missed = with_times - {f"{cls.__module__}.{cls.__name__}" for cls in views}
    assert not missed, f"no fixture data shows these views: {sorted(missed)}"


def test_in_zone_keeps_the_instant_and_what_holds_no_time() -> None:
    from zoneinfo import ZoneInfo

    utc = datetime(2026, 3, 9, 2, 0, tzinfo=ZoneInfo("UTC"))
    shown = in_zone({"at": [utc, (utc, "x")], "n": 3}, ZoneInfo("Asia/Shanghai"))
    assert shown["at"][0] == utc
    assert shown["at"][0].utcoffset() == ORG_OFFSET
    assert shown["at"][1][1] == "x"
    assert shown["n"] == 3
    naive = datetime(2026, 3, 9)
    assert in_zone(naive, ZoneInfo("Asia/Shanghai")) is naive
