"""docs/cli.md is the reference of the command line: it lists every command, and no other."""

from __future__ import annotations

import re

import click

from servicedesk.cli.group import help_msgid
from servicedesk.cli.main import COMMANDS, main
from test_docs import DOCS

HEADING = re.compile(r"^#{2,4} `servicedesk ([a-z -]+)`$", re.M)


def leaf_commands(command: click.Command, path: tuple[str, ...] = ()) -> set[str]:
    if isinstance(command, click.Group):
        ctx = click.Context(command)  # a lazy group imports its commands when asked for them
        subcommands = {name: command.get_command(ctx, name) for name in command.list_commands(ctx)}
        return {
            leaf
            for name, sub in subcommands.items()
            if sub is not None
            for leaf in leaf_commands(sub, (*path, name))
        }
    return {" ".join(path)}


def test_every_command_has_its_heading_in_the_reference_and_every_heading_a_command() -> None:
    documented = HEADING.findall((DOCS / "cli.md").read_text(encoding="utf-8"))
    assert len(documented) == len(set(documented)), "a command is documented twice"
    assert set(documented) == leaf_commands(main)


def test_every_command_of_the_reference_has_an_example() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    sections = HEADING.split(text)[1:]
    for name, body in zip(sections[::2], sections[1::2], strict=True):
        assert f"servicedesk {name}" in body.split("```", 1)[-1], name


def test_the_help_main_shows_without_importing_a_group_is_the_groups_own() -> None:
    ctx = click.Context(main)
    for name, (_target, summary) in COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command is not None
        assert command.help is not None
        assert help_msgid(command.help) == summary, name
