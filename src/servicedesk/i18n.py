"""The one gettext function every human-readable text passes through.

Error messages, reports and the demo call ``_`` so that a zh_CN catalogue
(``servicedesk/locale/<lang>/LC_MESSAGES/servicedesk.mo``) can be added later
without touching a single caller.  The catalogue is looked up lazily, on the
first translated message, so importing the domain does no I/O.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

DOMAIN = "servicedesk"
LOCALE_DIR = Path(__file__).parent / "locale"


@cache
def _translations() -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, fallback=True)


def _(message: str) -> str:
    """Translate ``message`` with the catalogue of the current locale."""
    return _translations().gettext(message)


def reset() -> None:
    """Forget the cached catalogue (after changing ``LANGUAGE`` in a test)."""
    _translations.cache_clear()
