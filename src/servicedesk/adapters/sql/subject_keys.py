"""The record files' keys in SQL: read in one query per batch, made on first write, forgotten.

One ``SqlKeys`` per transaction caches what it read or made; a file whose key was
forgotten keeps its row with ``key`` NULL (``sealing``: never sealed again).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from servicedesk.adapters import sealing
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.fixed_statements import insert
from servicedesk.adapters.sql.transaction import SqlTransaction

#: Ids per ``IN`` list: well inside every driver's bound on parameters.
_PER_QUERY = 500
#: Cached for a file that has no row yet.
_NONE: Any = object()
#: One file's key: what loading or saving one record asks, run on the cursor.
KEY_OF = sa.select(t.subject_keys.c.file_id, t.subject_keys.c.key).where(
    t.subject_keys.c.file_id == sa.bindparam("file_id")
)


class SqlKeys:
    def __init__(self, uow: SqlTransaction) -> None:
        self.uow = uow
        self._known: dict[str, Any] = {}

    def keys(self, file_ids: Iterable[str]) -> dict[str, bytes | None]:
        """The key of each file (None if forgotten or never made)."""
        wanted = sorted({f for f in file_ids if f not in self._known})
        k = t.subject_keys.c
        for start in range(0, len(wanted), _PER_QUERY):
            chunk = wanted[start : start + _PER_QUERY]
            if len(chunk) == 1:
                rows: Any = self.uow.run(KEY_OF, {"file_id": chunk[0]})
            else:
                rows = self.uow.execute(sa.select(k.file_id, k.key).where(k.file_id.in_(chunk)))
            found: dict[str, Any] = {row.file_id: row.key for row in rows}
            for file_id in chunk:
                if file_id not in found:
                    self._known[file_id] = _NONE
                else:
                    key = found[file_id]
                    self._known[file_id] = None if key is None else bytes(key)
        return {f: self._value(f) for f in file_ids}

    def _value(self, file_id: str) -> bytes | None:
        key = self._known.get(file_id, _NONE)
        return None if key is _NONE else key

    def key(self, file_id: str) -> bytes | None:
        return self.keys([file_id])[file_id]

    def for_write(self, file_id: str, new: bool = False) -> bytes | None:
        """The file's key, made now if it has none; None if it was forgotten.

        ``new``: the record is being created, so its file has no key yet (nothing is read).
        """
        if new and file_id not in self._known:
            self._known[file_id] = _NONE
        self.keys([file_id])
        if self._known[file_id] is _NONE:
            key = sealing.new_key()
            self.uow.run(insert(t.subject_keys), {"file_id": file_id, "key": key})
            self._known[file_id] = key
        return self._value(file_id)

    def forget(self, file_ids: list[str]) -> None:
        """Each file's key forgotten for good: its sealed values read as erased."""
        if not file_ids:
            return
        self.keys(file_ids)
        k = t.subject_keys.c
        had = [f for f in file_ids if self._known[f] is not _NONE]
        for start in range(0, len(had), _PER_QUERY):
            chunk = had[start : start + _PER_QUERY]
            self.uow.execute(sa.update(t.subject_keys).where(k.file_id.in_(chunk)).values(key=None))
        new = [{"file_id": f, "key": None} for f in file_ids if self._known[f] is _NONE]
        if new:
            self.uow.run(insert(t.subject_keys), new)
        for file_id in file_ids:
            self._known[file_id] = None
        # a purge forgets thousands at once: the planner must see the table as it now is, or
        # PostgreSQL keeps the plan it made for a table of a few rows (a scan per lookup)
        self.uow.wrote_in_bulk(len(file_ids), t.subject_keys.name)


def keys_of(uow: SqlTransaction) -> SqlKeys:
    """The transaction's keys, made on first use."""
    found = uow.__dict__.get("_subject_keys")
    if found is None:
        found = uow.__dict__["_subject_keys"] = SqlKeys(uow)
    return found


def unsealed(uow: SqlTransaction, kind: str, rows: list[tuple[str, Any]]) -> list[Any]:
    """The documents of ``rows`` (record id, stored document) of ``kind``, unsealed."""
    sealed = [sealing.file_of(kind, i) for i, d in rows if sealing.is_sealed(d)]
    if not sealed:
        return [d for _i, d in rows]
    keys = keys_of(uow).keys(sealed)
    return [
        sealing.unseal(d, f, keys.get(f)) if sealing.is_sealed(d) else d
        for f, d in ((sealing.file_of(kind, i), d) for i, d in rows)
    ]
