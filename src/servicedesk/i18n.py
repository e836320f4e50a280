"""The one gettext function every human-readable text passes through, and the locale of a call.

``_`` translates a message with the catalogue of the current locale;
``label`` gives the readable name of an enumeration member (a status, a role,
a channel), so a message never shows a raw code.  The locale is held in a
context variable, not in the process: ``with locale("zh_CN"):`` makes every
message of the block Chinese, and two threads or tasks may speak two languages
at once.  Outside any block the source language (English) is used.

The catalogues are ``servicedesk/locale/<lang>/LC_MESSAGES/servicedesk.mo``,
compiled from the ``.po`` beside them when the wheel is built; in a source
checkout whose ``.mo`` is missing or older than its ``.po``, the ``.po`` is
compiled in memory on first use.  Nothing is read before the first message of
a locale is translated, so importing the domain does no I/O.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from enum import Enum
from functools import cache
from pathlib import Path

DOMAIN = "servicedesk"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LOCALE = "en"

_current: ContextVar[str] = ContextVar("servicedesk_locale", default=SOURCE_LOCALE)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet (translate it at use)."""
    return message


def normalise(name: str | None) -> str:
    """``zh-CN``, ``zh_CN.UTF-8`` and ``zh_cn`` are all ``zh_CN``; nothing or ``C`` is English."""
    if not name:
        return SOURCE_LOCALE
    code = name.split(".", 1)[0].split("@", 1)[0].replace("-", "_")
    if code in ("C", "POSIX", ""):
        return SOURCE_LOCALE
    language, _sep, territory = code.partition("_")
    return f"{language.lower()}_{territory.upper()}" if territory else language.lower()


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The locale a terminal user asked for: ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``.

    ``LANGUAGE`` may list several (``zh_CN:en``): the first one with a catalogue wins.
    """
    env = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable)
        if not value:
            continue
        for candidate in value.split(":"):
            name = normalise(candidate)
            if name == SOURCE_LOCALE or _catalogue_path(name) is not None:
                return name
        return normalise(value.split(":")[0])
    return SOURCE_LOCALE


def current() -> str:
    """The locale of the running call."""
    return _current.get()


@contextmanager
def locale(name: str | None) -> Iterator[str]:
    """Speak ``name`` inside the block (``None`` keeps the locale already in force)."""
    if name is None:
        yield current()
        return
    token = _current.set(normalise(name))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def _catalogue_path(name: str) -> Path | None:
    """The folder of ``name``'s catalogue, falling back from ``zh_CN`` to ``zh``."""
    for candidate in (name, name.partition("_")[0]):
        folder = LOCALE_DIR / candidate / "LC_MESSAGES"
        if (folder / f"{DOMAIN}.mo").exists() or (folder / f"{DOMAIN}.po").exists():
            return folder
    return None


@cache
def _translations(name: str) -> gettext.NullTranslations:
    folder = _catalogue_path(name) if name != SOURCE_LOCALE else None
    if folder is None:
        return gettext.NullTranslations()
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        return gettext.GNUTranslations(io.BytesIO(compile_po(po)))
    with mo.open("rb") as stream:
        return gettext.GNUTranslations(stream)


def compile_po(po: Path) -> bytes:
    """The ``.mo`` bytes of a ``.po`` file (fuzzy entries left out, as ``msgfmt`` does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as stream:
        catalog = read_po(stream)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def _(message: str) -> str:
    """Translate ``message`` with the catalogue of the current locale.

    An enumeration member is given its label (see ``label``), so ``_(status)`` reads well.
    """
    if isinstance(message, Enum):
        return label(message)
    return _translations(current()).gettext(message)


def label(member: Enum) -> str:
    """The readable name of an enumeration member in the current locale.

    Its catalogue entry is the member's value in the context of its class
    (``msgctxt "Status"``, ``msgid "closed"``), so a status "closed" and an
    action "closed" are translated apart.  In the source language the value
    itself is shown, with ``_`` for spaces.
    """
    value = str(member.value)
    translated = _translations(current()).pgettext(type(member).__name__, value)
    return translated.replace("_", " ") if translated == value else translated


def reset() -> None:
    """Forget the loaded catalogues (after a test changed ``LOCALE_DIR`` or a ``.po``)."""
    _translations.cache_clear()


def money_text(amount: Decimal, currency: str) -> str:
    """An amount as the current locale writes it: ``¥1,234.50`` in zh_CN.

    In the source language it stays ``1,234.50 CNY``, unambiguous in logs and tests.
    """
    name = current()
    if name == SOURCE_LOCALE:
        return f"{amount:,.2f} {currency}"
    from babel.numbers import format_currency

    return format_currency(amount, currency, locale=name)
