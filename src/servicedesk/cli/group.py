"""The click classes of ``servicedesk``: one-line errors, help in the user's language, lazy loading.

This module imports nothing but click and the gettext function, so that
``servicedesk --version`` and ``--help`` answer without loading the library;
a command group's module is imported when the group is asked for.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any, NoReturn

import click

from servicedesk.i18n import N_, _, from_environment, locale

#: Click's own texts that a ``servicedesk`` user may read (help pages, usage errors), with
#: both forms of each plural, translated from our catalogue (``speak_click``).
CLICK_TEXTS = (
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing command."),
    N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Did you mean {possibility}?"),
    N_("(Did you mean one of: {possibilities}?)"),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Got unexpected extra argument ({args})"),
    N_("Got unexpected extra arguments ({args})"),
    N_("Option {name!r} does not take a value."),
    N_("Option {name!r} requires an argument."),
    N_("Option {name!r} requires {nargs} arguments."),
    N_("Argument {name!r} takes {nargs} values."),
    N_("Takes {nargs} values but 1 was given."),
    N_("Takes {nargs} values but {len} were given."),
    N_("{value!r} is not {choice}."),
    N_("{value!r} is not one of {choices}."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value!r} does not match the format {format}."),
    N_("{value!r} does not match the formats {formats}."),
    N_("{value} is not in the range {range}."),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a directory."),
    N_("Could not open file {filename!r}: {message}"),
    N_("Choose from:\n\t{choices}"),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("required"),
    N_("Aborted!"),
)

#: The modules of click that translate their texts with a ``gettext`` imported at their top.
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types")


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    # Both forms are entries of their own: the catalogue has no plural forms (zh has one form).
    return _(singular if n == 1 else plural)


def speak_click() -> None:
    """Have click's own texts (usage errors, help headings) looked up in our catalogue.

    Click translates with ``from gettext import gettext as _`` (Python's default
    domain, in the process's locale); its modules' ``_`` and ``ngettext`` are
    pointed at ours, which speak the locale of the call.  A text our catalogue
    lacks stays as click wrote it.
    """
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _click_ngettext  # type: ignore[attr-defined]


def help_msgid(text: str) -> str:
    """The catalogue entry of a help text: as click shows it, without the part after ``\\f``."""
    return inspect.cleandoc(text).partition("\f")[0]


class Formatter(click.HelpFormatter):
    """Click's formatter with its headings taken from the catalogue."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, f"{_('Usage:')} " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_(heading))


class DeskContext(click.Context):
    formatter_class = Formatter


@contextmanager
def translated_help(command: click.Command, ctx: click.Context | None) -> Iterator[None]:
    """Show the help texts of ``command`` and its parameters in the current locale.

    Click keeps help texts as plain strings; they are swapped for their
    translations while the page is drawn and put back after, so that the next
    page may be drawn in another language.
    """
    params = command.get_params(ctx) if ctx is not None else command.params
    holders: list[Any] = [command, *params]
    saved = [(holder, holder.help, getattr(holder, "short_help", None)) for holder in holders]
    try:
        for holder, text, short in saved:
            if text:
                holder.help = _(help_msgid(text))
            if short:
                holder.short_help = _(help_msgid(short))
        yield
    finally:
        for holder, text, short in saved:
            holder.help = text
            if short is not None:
                holder.short_help = short


class TranslatedHelp(click.Command):
    """A command whose help page and one-line summary are drawn in the current locale."""

    context_class = DeskContext

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with translated_help(self, ctx):
            super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with translated_help(self, None):
            return super().get_short_help_str(limit)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:  # click keeps the option it made: its text follows this call
            option.help = _("Show this message and exit.")
        return option


class DeskCommand(TranslatedHelp):
    """A ``servicedesk`` command."""


#: Exit codes a script can tell apart (docs/cli.md lists them).
EXIT_REFUSED, EXIT_USAGE, EXIT_UNAVAILABLE = 1, 2, 3


def fail(message: str, code: int, report: Mapping[str, Any] | None = None) -> NoReturn:
    """One line on stderr; with ``--json``, the error as JSON (``report``) instead."""
    if report is not None:
        import json

        click.echo(json.dumps({"error": dict(report)}, ensure_ascii=False), err=True)
    else:
        click.echo(_("error: {message}").format(message=message), err=True)
    sys.exit(code)


def _usage_report(error: click.ClickException) -> dict[str, Any]:
    hint = getattr(error, "param_hint", None) or getattr(
        getattr(error, "param", None), "name", None
    )
    return {
        "code": "cli.usage",
        "category": "invalid",
        "message": error.format_message(),
        "params": {},
        "field": hint if isinstance(hint, str) else None,
    }


def _with_hint(error: click.ClickException) -> str:
    """Click's message, and for a usage error where to read the help, on the same one line."""
    message = error.format_message()
    ctx = getattr(error, "ctx", None)
    if not isinstance(error, click.UsageError) or ctx is None or not ctx.help_option_names:
        return message
    hint = _("Try '{command} {option}' for help.").format(
        command=ctx.command_path, option=ctx.help_option_names[0]
    )
    return f"{message} {hint}"


class DeskGroup(TranslatedHelp, click.Group):
    """A click group whose errors are one line on stderr, with click's exit codes.

    The locale comes from the environment (``LANGUAGE``, ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``), for the whole run of the command.
    """

    command_class = DeskCommand

    def main(self, *args: Any, **kwargs: Any) -> Any:
        speak_click()
        with locale(from_environment()):
            return self._main(*args, **kwargs)

    def _main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        given = args[0] if args else kwargs.get("args")
        wants_json = "--json" in (sys.argv[1:] if given is None else list(given))
        try:
            return super().main(*args, **kwargs)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except click.exceptions.NoArgsIsHelpError as bare:  # a group named alone: its help
            click.echo(bare.format_message())
            sys.exit(bare.exit_code)
        except click.ClickException as error:
            report = _usage_report(error) if wants_json else None
            fail(_with_hint(error), error.exit_code, report)
        except click.exceptions.Abort:
            fail(_("aborted"), EXIT_REFUSED)
        except Exception as error:
            # Imported only on a refusal: ``--version`` and ``--help`` never load the domain.
            from servicedesk.domain.errors import ServiceDeskError, StoreUnavailable

            if not isinstance(error, ServiceDeskError):
                raise
            code = EXIT_UNAVAILABLE if isinstance(error, StoreUnavailable) else EXIT_REFUSED
            fail(error.message, code, error.to_dict() if wants_json else None)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        # Name the group in the message, so "servicedesk request strat" says where it looked.
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as error:
            raise click.UsageError(f"{ctx.command_path}: {error.message}", ctx) from None


class LazyGroup(DeskGroup):
    """A group whose subcommands are imported the first time one of them is used.

    ``lazy`` maps each name to ``("module:attribute", help)``, in the order help
    lists them; the group's own help page shows that help without the import.
    """

    def __init__(
        self,
        *args: Any,
        lazy: Mapping[str, tuple[str, str]],
        index: Mapping[str, Mapping[str, tuple[str | None, str]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy)
        #: The groups whose help page is drawn from the index (``servicedesk.cli.index``).
        self.index = dict(index or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.lazy, *(name for name in super().list_commands(ctx) if name not in self.lazy)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            target, summary = self.lazy[cmd_name]
            command: click.Command
            if cmd_name in self.index:
                command = IndexedGroup(cmd_name, summary, target, self.index[cmd_name])
            else:
                command = _imported(target)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, _(self.lazy[name][1]) if name in self.lazy else self._summary(ctx, name))
            for name in self.list_commands(ctx)
        ]
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)

    def _summary(self, ctx: click.Context, name: str) -> str:
        command = self.get_command(ctx, name)
        return "" if command is None else command.get_short_help_str()


def _imported(target: str) -> Any:
    module, _sep, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


class IndexedGroup(DeskGroup):
    """A command group drawn from its index; its module is imported when a command is used.

    ``servicedesk request --help`` lists the commands from ``index`` (name:
    ``(short_help, help)``), translated as the real group would show them;
    ``servicedesk request register`` imports ``target`` and runs its command.
    """

    def __init__(
        self, name: str, help_text: str, target: str, index: Mapping[str, tuple[str | None, str]]
    ) -> None:
        super().__init__(name=name, help=help_text)
        self.target = target
        self.entries = dict(index)

    @property
    def commands(self) -> MutableMapping[str, click.Command]:
        """The real group's commands (imports it): for tools that walk the tree."""
        return self._real().commands

    @commands.setter
    def commands(self, value: Any) -> None:
        """Click's constructor sets an empty mapping; the real group holds the commands."""

    def _real(self) -> click.Group:
        real: click.Group = _imported(self.target)
        return real

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.entries)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._real().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not self.entries:
            return
        limit = formatter.width - 6 - max(len(name) for name in self.entries)
        # A stand-in command shortens the help as click would the real one's.
        rows = [
            (
                name,
                click.Command(name, help=_(text), short_help=short and _(short)).get_short_help_str(
                    limit
                ),
            )
            for name, (short, text) in self.entries.items()
        ]
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)


def group(name: str, help_text: str) -> click.Group:
    """A command group that keeps the one-line errors of ``DeskGroup``."""
    return DeskGroup(name=name, help=help_text)
