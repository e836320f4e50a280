"""Build hook: compile the message catalogues (``.po`` -> ``.mo``) into the wheel.

The ``.mo`` files are build products, kept out of git; this hook writes each
one beside its ``.po`` and adds it to the build, for the wheel and for an
editable install alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogues(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        for po in sorted((root / "src/servicedesk/locale").glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as stream:
                catalog = read_po(stream, locale=po.parent.parent.name)
            mo = po.with_suffix(".mo")
            with mo.open("wb") as out:
                write_mo(out, catalog)
            build_data["artifacts"].append(str(mo.relative_to(root)))
