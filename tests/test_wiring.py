"""The wiring is complete and the areas of the application layer form no cycle.

``servicedesk.app.bootstrap`` names the handler of every command; these tests fail
when a public command has no handler, a handler serves a command the public API
does not export, or a command class exists that nothing handles.
"""

from __future__ import annotations

import importlib
import pkgutil

import grimp

import servicedesk
from servicedesk.app.bootstrap import FILERS, HANDLERS, RECORD_SOURCES
from servicedesk.app.command import Command
from servicedesk.domain.events import Event

AREAS = (
    "catalogue",
    "requests",
    "billing",
    "complaints",
    "callbacks",
    "records",
    "hall",
    "ratings",
    "enquiries",
)


def public_commands() -> set[type[Command]]:
    exported = (getattr(servicedesk, name) for name in servicedesk.__all__)
    return {v for v in exported if isinstance(v, type) and issubclass(v, Command)} - {Command}


def defined_commands() -> set[type[Command]]:
    """Every command class of the package's modules, imported here one by one."""
    for module in pkgutil.walk_packages(servicedesk.__path__, "servicedesk."):
        if ".migrations" not in module.name:  # Alembic's scripts run only inside Alembic
            importlib.import_module(module.name)
    found: set[type[Command]] = set()
    todo = [Command]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("servicedesk.") and sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def test_every_public_command_has_a_handler_and_every_handler_a_public_command() -> None:
    assert len(HANDLERS) == 109
    assert public_commands() == set(HANDLERS)


def test_no_command_class_of_the_package_goes_unhandled() -> None:
    assert defined_commands() == set(HANDLERS)


def test_every_handler_lives_in_its_commands_area() -> None:
    for command, handler in HANDLERS.items():
        area = command.__module__.removesuffix(".commands")
        assert handler.__module__ == f"{area}.handlers", command.__name__


def test_filers_are_for_events_and_record_sources_for_aggregates() -> None:
    assert all(issubclass(event, Event) for event in FILERS)
    assert set(RECORD_SOURCES) == {
        "request",
        "found_item",
        "complaint",
        "callback",
        "hall_application",
        "account",
        "charge",
        "enquiry",
    }


def area_imports() -> dict[str, set[str]]:
    """Area -> the other areas its modules import directly (the shared core not counted)."""
    graph = grimp.build_graph("servicedesk")
    found: dict[str, set[str]] = {area: set() for area in AREAS}
    for area in AREAS:
        for module in graph.find_descendants(f"servicedesk.app.{area}"):
            for imported in graph.find_modules_directly_imported_by(module):
                parts = imported.split(".")
                if parts[:2] == ["servicedesk", "app"] and parts[2:3] and parts[2] in AREAS:
                    found[area].add(parts[2])
        found[area].discard(area)
    return found


def test_the_areas_import_each_other_without_a_cycle() -> None:
    imports = area_imports()
    done: set[str] = set()

    def visit(area: str, path: tuple[str, ...]) -> None:
        assert area not in path, f"the areas import each other in a cycle: {(*path, area)}"
        if area in done:
            return
        for other in sorted(imports[area]):
            visit(other, (*path, area))
        done.add(area)

    for area in AREAS:
        visit(area, ())


def test_every_error_class_is_public() -> None:
    defined_commands()  # imports every module of the package
    errors: set[type] = set()
    todo: list[type] = [servicedesk.ServiceDeskError]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("servicedesk.") and sub not in errors:
                errors.add(sub)
                todo.append(sub)
    exported = {id(getattr(servicedesk, name)) for name in servicedesk.__all__}
    assert {e.__name__ for e in errors if id(e) not in exported} == set()
