"""How each database spells a path into a JSON document, for the bulk steps' SQL.

The close, the sweep and the purge each build JSON in SQL (``json_values``,
``json_edits``, ``json_scrub``); the paths they name are spelled here once.  A
path is a tuple of member names from code, never from data, so it is written
into the SQL text as it is.
"""

from __future__ import annotations

Path = tuple[str, ...]


def dollar(path: Path, append: bool = False) -> str:
    """``'$.a.b'`` (SQLite, MySQL/MariaDB); ``'$.a[#]'`` is after the end of ``a`` in SQLite."""
    return "'$." + ".".join(path) + ("[#]" if append else "") + "'"


def braces(path: Path, append: bool = False) -> str:
    """``'{a,b}'`` (PostgreSQL); ``'{a,-1}'`` is after the last element of ``a``."""
    return "'{" + ",".join(path) + (",-1" if append else "") + "}'"
