"""Every command of the library can be sent from the terminal (``cli.paths``)."""

from __future__ import annotations

import inspect
import sys

import click

from servicedesk import Desk, MemoryStore
from servicedesk.app.bootstrap import WIRING, command_types
from servicedesk.cli.main import main
from servicedesk.cli.paths import (
    CLI_PATHS,
    NOT_FROM_THE_TERMINAL,
    QUERIES_NOT_FROM_THE_TERMINAL,
    QUERY_PATHS,
)


def command_at(path: str) -> click.Command:
    command: click.Command | None = main
    for name in path.split():
        assert isinstance(command, click.Group), path
        command = command.get_command(click.Context(command), name)
        assert command is not None, f"servicedesk {path}: no such command"
    assert command is not None, path
    assert not isinstance(command, click.Group), path
    return command


def test_every_command_of_the_library_has_a_cli_path_or_a_reason() -> None:
    library = set(command_types())
    assert library == {command.__name__ for command in WIRING.handlers}
    listed = [*CLI_PATHS, *NOT_FROM_THE_TERMINAL]
    assert len(listed) == len(set(listed)), "a command is listed twice"
    assert library - set(listed) == set(), "no CLI path"
    assert set(listed) <= library, "no such command"
    assert all(reason.strip() for reason in NOT_FROM_THE_TERMINAL.values())


def test_each_cli_path_is_a_command_that_sends_that_class() -> None:
    classes = command_types()
    for name, path in CLI_PATHS.items():
        callback = command_at(path).callback
        assert callback is not None, path
        module = sys.modules[callback.__module__]
        assert getattr(module, name, None) is classes[name], f"servicedesk {path} sends no {name}"


def test_every_query_of_the_library_has_a_cli_path_or_a_reason() -> None:
    library = set(Desk(MemoryStore(), entry_points=False).query_names())
    listed = [*QUERY_PATHS, *QUERIES_NOT_FROM_THE_TERMINAL]
    assert len(listed) == len(set(listed)), "a query is listed twice"
    assert library - set(listed) == set(), "no CLI path"
    assert set(listed) <= library, "no such query"
    assert all(reason.strip() for reason in QUERIES_NOT_FROM_THE_TERMINAL.values())


def test_each_query_path_is_a_command_that_asks_that_query() -> None:
    for name, path in QUERY_PATHS.items():
        callback = command_at(path).callback
        assert callback is not None, path
        area, method = name.split(".")
        source = inspect.getsource(callback)
        assert f"{area}.{method}(" in source, f"servicedesk {path} asks no {name}"
