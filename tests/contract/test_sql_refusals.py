"""A refusal after the command read records (and so, on SQLite, took the write lock)
is the caller's own error at once, and is on the audit trail.

The refused command's transaction rolls back before the refusal's audit record is
written in a transaction of its own: on SQLite, with one writer at a time, writing it
while the command's transaction still held the lock would wait for that lock until the
busy timeout and end in ``StoreBusy`` instead of ``PermissionDenied``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from _casework import CLERK, CLERK_2, Clock, requester, sh
from servicedesk import (
    AcknowledgeComplaint,
    Desk,
    FileComplaint,
    PermissionDenied,
    open_store,
)


def test_a_refusal_after_a_read_is_the_refusal_and_is_audited_on_sqlite(tmp_path: Path) -> None:
    store = open_store(tmp_path / "desk.db", busy_timeout=2.0)
    try:
        desk = Desk(store, clock=Clock(sh(2026, 3, 9, 10)), entry_points=False)
        desk.handle(
            FileComplaint(
                complainant=requester(1),
                category="attitude",
                description="the plumber was rude",
                complaint_id="c-1",
            ),
            actor=CLERK,
        )
        trail = len(desk.records.trail())
        with pytest.raises(PermissionDenied, match="first-responder"):
            desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK_2)
        [refusal] = desk.records.trail(after=trail)
        assert (refusal.command, refusal.refused, refusal.actor) == (
            "AcknowledgeComplaint",
            "PermissionDenied",
            CLERK_2.id,
        )
    finally:
        store.close()


def test_a_read_in_progress_never_holds_a_writer_up_on_sqlite(tmp_path: Path) -> None:
    """Queries read in a deferred transaction: a write goes on while one is open."""
    store = open_store(tmp_path / "desk.db", busy_timeout=1.0)
    try:
        desk = Desk(store, clock=Clock(sh(2026, 3, 9, 10)), entry_points=False)
        with store.reading() as reading:
            reading.complaints.list_open()  # the read has begun and is still open
            desk.handle(
                FileComplaint(
                    complainant=requester(1),
                    category="attitude",
                    description="the plumber was rude",
                    complaint_id="c-2",
                ),
                actor=CLERK,
            )
        assert [c.id.value for c in desk.complaints.open_complaints()] == ["c-2"]
    finally:
        store.close()
