"""Plugins are checked when the desk starts: a misspelt hook, a wrong signature, a failed import."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest
from click.testing import CliRunner

from servicedesk import Desk, MemoryStore, PluginRefused, hookimpl
from servicedesk.cli.main import main
from servicedesk.policies import manager


class Misspelt:
    @hookimpl
    def servicedesk_currancy(self) -> str:
        return "CNY"


class WrongArguments:
    @hookimpl
    def servicedesk_currency(self, organisation: str) -> str:
        return "CNY"


def test_a_misspelt_hook_name_is_refused_naming_the_plugin_and_the_hook() -> None:
    with pytest.raises(PluginRefused) as refused:
        Desk(MemoryStore(), plugins=[Misspelt()], entry_points=False)
    assert (refused.value.plugin, refused.value.hook) == ("Misspelt", "servicedesk_currancy")
    assert "\n" not in refused.value.message


def test_a_hook_taking_an_argument_its_hook_does_not_give_is_refused() -> None:
    with pytest.raises(PluginRefused) as refused:
        Desk(MemoryStore(), plugins=[WrongArguments()], entry_points=False)
    assert (refused.value.plugin, refused.value.hook) == ("WrongArguments", "servicedesk_currency")
    assert "organisation" in refused.value.message
    assert "\n" not in refused.value.message


@pytest.fixture
def broken_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = importlib.metadata.EntryPoint(
        name="acme", value="servicedesk_no_such_plugin:Plugin", group=manager.ENTRY_POINT_GROUP
    )
    monkeypatch.setattr(
        manager.importlib.metadata,
        "entry_points",
        lambda group: [broken] if group == manager.ENTRY_POINT_GROUP else [],
    )


@pytest.mark.usefixtures("broken_entry_point")
def test_an_entry_point_plugin_that_fails_to_import_is_one_typed_error() -> None:
    with pytest.raises(PluginRefused) as refused:
        Desk(MemoryStore())
    assert refused.value.plugin == "acme"
    assert "ModuleNotFoundError" in refused.value.message


@pytest.mark.usefixtures("broken_entry_point")
def test_the_command_line_says_it_in_one_line_without_a_traceback(tmp_path: Path) -> None:
    db = str(tmp_path / "desk.db")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade", "--db", db]).exit_code == 0
    result = runner.invoke(main, ["request", "list", "--db", db])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: The plugin acme (servicedesk_no_such_plugin:Plugin)")
