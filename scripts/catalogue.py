"""The message catalogues: extract, update, compile, check.

    python scripts/catalogue.py            # extract + update the .po files + compile the .mo
    python scripts/catalogue.py check      # fail if a message lacks a translation

Three sources feed the template ``src/servicedesk/locale/servicedesk.pot``:
the ``_``/``N_`` calls found by Babel's Python extractor (with the keywords
below), the members of every enumeration of the package (``msgctxt`` = the
class name, as ``servicedesk.i18n.label`` looks them up), and the help texts
of every ``servicedesk`` command and option (click keeps them as plain texts;
``servicedesk.cli.base`` translates them when help is shown).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "servicedesk"
LOCALE_DIR = SOURCE / "locale"
TEMPLATE = LOCALE_DIR / "servicedesk.pot"
MAPPING = ROOT / "babel.cfg"
DOMAIN = "servicedesk"

#: The functions whose argument is a text for people: ``_``/``N_``, and the helpers
#: that take the name of the value they check (``required_text("unit")``).
KEYWORDS = {
    "_": None,
    "N_": None,
    "required_text": (1,),
    "aware": (2,),
    "choice": (3,),
    "to_decimal": (2,),
    "_garbage": (3,),
    "marked": None,
}


def _source_messages() -> Iterator[tuple[str, str | None, str]]:
    """(msgid, msgctxt, location) of every marked text in the package's source."""
    method_map = [("**.py", "python")]
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(SOURCE), method_map, keywords=KEYWORDS, comment_tags=("i18n:",), strip_comment_tags=True
    ):
        if isinstance(message, tuple):  # a plural form: the singular is enough here
            message = message[0]
        if message:
            yield message, context, f"src/servicedesk/{filename}:{lineno}"


def _modules() -> Iterator[object]:
    sys.path.insert(0, str(SOURCE.parent))
    package = importlib.import_module("servicedesk")
    for info in pkgutil.walk_packages(package.__path__, "servicedesk."):
        if ".migrations" in info.name:
            continue
        yield importlib.import_module(info.name)


def _enum_labels() -> Iterator[tuple[str, str | None, str]]:
    """Every member of every enumeration the package defines, in its class's context."""
    seen: set[type[Enum]] = set()
    for module in _modules():
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if not issubclass(value, Enum) or value in seen:
                continue
            if value.__module__ != module.__name__:  # type: ignore[attr-defined]
                continue
            seen.add(value)
            where = f"{value.__module__.replace('.', '/')}.py"
            for member in value:
                if isinstance(member.value, str):
                    yield member.value, value.__name__, f"src/{where}"


def _help_texts() -> Iterator[tuple[str, str | None, str]]:
    """Every help text of the command line, as ``servicedesk.cli.base`` will look it up."""
    import click

    from servicedesk.cli.group import help_msgid
    from servicedesk.cli.main import main

    def walk(command: click.Command, path: str) -> Iterator[tuple[str, str | None, str]]:
        for text in (command.help, command.short_help, command.epilog):
            if text:
                yield help_msgid(text), None, f"servicedesk {path}".strip()
        for param in command.params:
            text = getattr(param, "help", None)
            if text:
                yield help_msgid(text), None, f"servicedesk {path} {param.name}".strip()
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None:
                    yield from walk(sub, f"{path} {name}".strip())

    yield from walk(main, "")


def extract() -> Catalog:
    template = Catalog(project="servicedesk", domain=DOMAIN, charset="utf-8")
    for source in (_source_messages(), _enum_labels(), _help_texts()):
        for message, context, location in source:
            path, _sep, line = location.partition(":")
            template.add(message, locations=[(path, int(line) if line else None)], context=context)
    with TEMPLATE.open("wb") as out:
        write_po(out, template, width=100, sort_output=True, omit_header=False)
    return template


def _po_files() -> list[Path]:
    return sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def update(template: Catalog) -> None:
    for po in _po_files():
        with po.open("rb") as stream:
            catalog = read_po(stream, locale=po.parent.parent.name)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with po.open("wb") as out:
            write_po(out, catalog, width=100, sort_output=True, include_previous=False)


def compile_all() -> None:
    for po in _po_files():
        with po.open("rb") as stream:
            catalog = read_po(stream, locale=po.parent.parent.name)
        with po.with_suffix(".mo").open("wb") as out:
            write_mo(out, catalog)


def missing(po: Path) -> list[str]:
    """The messages of ``po`` without a usable translation (empty or fuzzy)."""
    with po.open("rb") as stream:
        catalog = read_po(stream)
    return [
        str(message.id)
        for message in catalog
        if message.id and (not message.string or message.fuzzy)
    ]


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        problems = {po: missing(po) for po in _po_files()}
        for po, ids in problems.items():
            for msgid in ids:
                print(f"{po.relative_to(ROOT)}: untranslated: {msgid!r}")
        return 1 if any(problems.values()) else 0
    update(extract())
    compile_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
