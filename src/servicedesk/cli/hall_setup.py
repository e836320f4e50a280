"""The service hall set up from a terminal: departments, seconded staff, windows and guides.

A guide carries lists (its legal basis, materials, steps), so it is read from a TOML or
JSON file, checked whole before anything is sent; the rest are one option per field.
The commands join ``servicedesk hall``.
"""

from __future__ import annotations

import json
import tomllib
from datetime import time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from servicedesk.app.hall.commands import (
    DraftGuide,
    OpenWindow,
    PublishGuide,
    RegisterDepartment,
    SecondStaff,
    SetWindowHours,
    SetWindowItems,
    WithdrawGuide,
    WithdrawStaff,
)
from servicedesk.cli.base import Checked, EnumParam, act, desk_options
from servicedesk.cli.group import group
from servicedesk.cli.hall_queries import guide_group, hall
from servicedesk.domain.calendar import WorkingBlock
from servicedesk.domain.deadlines import WorkingBudget
from servicedesk.domain.errors import InvalidValue, ServiceDeskError
from servicedesk.domain.hall import (
    ALL_WEEKDAYS,
    DepartmentId,
    Material,
    OpeningHours,
    ProcessStep,
    WindowKind,
)
from servicedesk.domain.money import Money
from servicedesk.i18n import N_, _

__all__ = ["hall"]


# --- values typed at the terminal ----------------------------------------------------------------


def parse_budget(text: str) -> WorkingBudget:
    """``5d``: five working days (a promised item); ``2h`` or ``1.5h``: working hours."""
    value, unit = text.strip()[:-1], text.strip()[-1:].lower()
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = Decimal(0)
    if not amount.is_finite():
        amount = Decimal(0)
    if unit == "d" and amount == amount.to_integral_value() and 0 < amount <= 999:
        return WorkingBudget.working_days(int(amount))
    if unit == "h" and 0 < amount <= 9999:
        return WorkingBudget(time=timedelta(hours=float(amount)))
    raise InvalidValue(
        _("{text!r} is not a time limit: write 5d (working days) or 2h (working hours)."),
        code="cli.invalid",
        text=text[:40],
    )


def parse_block(text: str) -> WorkingBlock:
    """``09:00-12:00``: a stretch of a day the window is open."""
    start, _sep, end = text.partition("-")
    try:
        return WorkingBlock(time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))
    except ValueError:
        raise InvalidValue(
            _("{text!r} is not a block of hours (hh:mm-hh:mm)."), code="cli.invalid", text=text[:40]
        ) from None


BUDGET = Checked(parse_budget, "5d|2h")
BLOCK = Checked(parse_block, "hh:mm-hh:mm")
WINDOW_KIND = EnumParam(WindowKind, N_("window kind"))


def with_values(what: str, **values: str) -> str:
    """``what`` with ``values`` put in now, and ``{id}`` left for the command's outcome."""
    escaped = {k: v.replace("{", "{{").replace("}", "}}") for k, v in values.items()}
    return what.format(id="{id}", **escaped)


def hours_of(blocks: tuple[WorkingBlock, ...], weekdays: tuple[int, ...]) -> OpeningHours:
    return OpeningHours(blocks, frozenset(weekdays) if weekdays else ALL_WEEKDAYS)


def hours_options(function: Any) -> Any:
    """``--hours`` (repeated, in order) and ``--weekday`` (repeated; default every day)."""
    function = click.option(
        "--weekday",
        "weekdays",
        multiple=True,
        type=click.IntRange(0, 6),
        help="A weekday it opens, 0 (Monday) to 6 (Sunday); repeat (default: every working day).",
    )(function)
    return click.option(
        "--hours",
        "blocks",
        multiple=True,
        required=True,
        type=BLOCK,
        help="A block of opening hours, e.g. 09:00-12:00; repeat for each, in order.",
    )(function)


# --- departments and their seconded staff --------------------------------------------------------

department = group("department", "The departments whose items the hall takes.")
staff = group("staff", "The staff a department seconds to the hall's windows.")
hall.add_command(department)
hall.add_command(staff)


@department.command("add")
@click.argument("department_id")
@click.option("--name", required=True, help="The department's name, as applicants read it.")
@click.option("--head", required=True, help="The head of the department (an actor id).")
@desk_options
def department_add(department_id: str, name: str, head: str, **kwargs: Any) -> None:
    """Register a department that takes items at the hall."""
    act(
        kwargs,
        lambda: RegisterDepartment(department_id=department_id, name=name, head=head),
        _("department {id}: registered"),
    )


@staff.command("second")
@click.argument("department_id")
@click.argument("staff_id")
@desk_options
def staff_second(department_id: str, staff_id: str, **kwargs: Any) -> None:
    """Approve a member of staff seconded by the department to the hall."""
    act(
        kwargs,
        lambda: SecondStaff(department_id=department_id, staff=staff_id),
        with_values(_("{staff}: seconded by {id}"), staff=staff_id),
    )


@staff.command("withdraw")
@click.argument("department_id")
@click.argument("staff_id")
@desk_options
def staff_withdraw(department_id: str, staff_id: str, **kwargs: Any) -> None:
    """The department takes a seconded member of staff back from the hall."""
    act(
        kwargs,
        lambda: WithdrawStaff(department_id=department_id, staff=staff_id),
        with_values(_("{staff}: withdrawn by {id}"), staff=staff_id),
    )


# --- windows -------------------------------------------------------------------------------------

window = group("window", "The hall's windows: opened, their items and opening hours.")
hall.add_command(window)


@window.command("open")
@click.argument("window_id")
@click.option("--name", required=True, help="The window's name on the hall's signs.")
@click.option(
    "--kind",
    type=WINDOW_KIND,
    required=True,
    help="comprehensive (any item) or specialised (its department's).",
)
@click.option("--prefix", required=True, help="The letter of its queue numbers, e.g. A.")
@click.option("--department", "department_id", help="The department a specialised window is of.")
@click.option("--item", "items", multiple=True, help="An item it serves; repeat for each.")
@hours_options
@desk_options
def window_open(
    window_id: str,
    name: str,
    kind: WindowKind,
    prefix: str,
    department_id: str | None,
    items: tuple[str, ...],
    blocks: tuple[WorkingBlock, ...],
    weekdays: tuple[int, ...],
    **kwargs: Any,
) -> None:
    """Open a window with its items, queue prefix and opening hours."""
    act(
        kwargs,
        lambda: OpenWindow(
            window_id=window_id,
            name=name,
            kind=kind,
            prefix=prefix,
            department_id=department_id,
            items=frozenset(items),
            hours=hours_of(blocks, weekdays),
        ),
        _("window {id}: opened"),
    )


@window.command("items")
@click.argument("window_id")
@click.option("--item", "items", multiple=True, help="An item it serves; repeat for each.")
@desk_options
def window_items(window_id: str, items: tuple[str, ...], **kwargs: Any) -> None:
    """Set the items a window serves (every one named; none: it serves none)."""
    act(
        kwargs,
        lambda: SetWindowItems(window_id=window_id, items=frozenset(items)),
        _("window {id}: items set"),
    )


@window.command("hours")
@click.argument("window_id")
@hours_options
@desk_options
def window_hours(
    window_id: str, blocks: tuple[WorkingBlock, ...], weekdays: tuple[int, ...], **kwargs: Any
) -> None:
    """Set a window's opening hours."""
    act(
        kwargs,
        lambda: SetWindowHours(window_id=window_id, hours=hours_of(blocks, weekdays)),
        _("window {id}: hours set"),
    )


# --- guides --------------------------------------------------------------------------------------


def read_file(path: Path) -> dict[str, Any]:
    """The document of a ``.json`` file, or else of a TOML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise click.BadParameter(str(error), param_hint="FILE") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
        raise click.BadParameter(
            _("{path} is not valid {kind}: {error}").format(path=path, kind=kind, error=error),
            param_hint="FILE",
        ) from None
    if not isinstance(data, dict):
        raise click.BadParameter(
            _("{path} holds no table of fields.").format(path=path), param_hint="FILE"
        )
    return data


def _texts(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidValue(_("{key} is a list of texts."), code="cli.invalid", key=key)
    return tuple(value)


def _entries(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    entries = data.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InvalidValue(_("{key} is a list of tables ([[{key}]])."), code="cli.invalid", key=key)
    return entries


def _budget(entry: dict[str, Any]) -> WorkingBudget:
    value = entry.get("time_limit")
    if not isinstance(value, str):
        raise InvalidValue(
            _('A time_limit is needed, e.g. "5d" or "2h".'), code="cli.invalid", field="time_limit"
        )
    return parse_budget(value)


def _money(value: Any) -> Money:
    if not isinstance(value, str):  # a float is not money: the file writes "30.00"
        raise InvalidValue(_('Write the fee as text, e.g. "30.00".'), code="cli.invalid")
    return Money.of(value)


def _step(entry: dict[str, Any]) -> ProcessStep:
    return ProcessStep(
        entry.get("name", ""), DepartmentId(entry.get("department", "")), _budget(entry)
    )


def _material(entry: dict[str, Any]) -> Material:
    return Material(
        entry.get("code", ""),
        entry.get("name", ""),
        entry.get("form", "original"),
        entry.get("count", 1),
    )


def _each(data: dict[str, Any], key: str, where: str, make: Any) -> tuple[Any, ...]:
    """Each table of ``key`` made into its value; a refusal names the table's place."""
    made = []
    for n, entry in enumerate(_entries(data, key), 1):
        try:
            made.append(make(entry))
        except (ServiceDeskError, TypeError, ValueError) as error:
            message = error.message if isinstance(error, ServiceDeskError) else str(error)
            raise click.BadParameter(f"{where.format(n=n)}: {message}", param_hint="FILE") from None
    return tuple(made)


def guide_of(data: dict[str, Any]) -> DraftGuide:
    """The guide a file describes, checked before the desk is opened."""
    steps = _each(data, "steps", _("step {n}"), _step)
    materials = _each(data, "materials", _("material {n}"), _material)
    return DraftGuide(
        item_id=data.get("id", ""),
        name=data.get("name", ""),
        kind=data.get("kind", ""),
        legal_basis=_texts(data, "legal_basis"),
        conditions=_texts(data, "conditions"),
        materials=materials,
        steps=steps,
        flow=data.get("flow", "in_order"),
        time_limit=_budget(data),
        fee=_money(data.get("fee", "0.00")),
        higher_authority=data.get("higher_authority", ""),
    )


def drafted(path: Path) -> DraftGuide:
    data = read_file(path)
    try:
        return guide_of(data)
    except (ServiceDeskError, TypeError, ValueError) as error:
        message = error.message if isinstance(error, ServiceDeskError) else str(error)
        raise click.BadParameter(message, param_hint="FILE") from None


@guide_group.command("draft")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@desk_options
def guide_draft(file: Path, **kwargs: Any) -> None:
    """Draft a new version of an item's guide from a TOML or JSON file (docs/cli.md)."""
    made = drafted(file)
    act(kwargs, lambda: made, _("guide of {id}: drafted"))


@guide_group.command("publish")
@click.argument("item_id")
@desk_options
def guide_publish(item_id: str, **kwargs: Any) -> None:
    """Publish the item's drafted guide; it is the one in force from now."""
    act(kwargs, lambda: PublishGuide(item_id=item_id), _("guide of {id}: published"))


@guide_group.command("withdraw")
@click.argument("item_id")
@desk_options
def guide_withdraw(item_id: str, **kwargs: Any) -> None:
    """Withdraw the item's guide: the hall takes no more applications for it."""
    act(kwargs, lambda: WithdrawGuide(item_id=item_id), _("guide of {id}: withdrawn"))
