"""Relay positions in the desk's own database (``relay_positions``), one row per relay.

A position's token is fixed width, so the database compares tokens as the
positions compare: a save that would move a relay back (a stale process
finishing late) updates no row.
"""

from __future__ import annotations

import sqlalchemy as sa

from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.store import SqlStore
from servicedesk.app.feed.ports import START, Position, RelayPositions
from servicedesk.domain.errors import InvalidValue
from servicedesk.i18n import _

_p = t.relay_positions.c


class SqlRelayPositions(RelayPositions):
    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def load(self, name: str) -> Position:
        with self.store.reading() as uow:
            found = uow.execute(sa.select(_p.position).where(_p.name == _name(name))).scalar()
        return START if found is None else Position.of(found)

    def save(self, name: str, position: Position) -> None:
        token = str(position)
        with self.store.unit_of_work() as uow:
            moved = uow.execute(
                sa.update(t.relay_positions)
                .where(_p.name == _name(name), _p.position < token)
                .values(position=token)
            )
            if moved.rowcount == 0:
                known = uow.execute(sa.select(_p.position).where(_p.name == name)).first()
                if known is None:
                    uow.execute(sa.insert(t.relay_positions).values(name=name, position=token))
            uow.commit()  # no aggregate, no audit record: only the row above


def _name(name: str) -> str:
    if not 1 <= len(name) <= 64:
        raise InvalidValue(
            _("A relay's name has 1 to 64 characters."), field="name", code="relay.invalid"
        )
    return name
