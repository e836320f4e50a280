"""How far a bulk command has got: the port a caller passes to be told, batch by batch.

The month close, the escalation sweep and the purge run in batches, one unit
of work each (``Desk(bulk_batch=...)``); a caller that shows a bar
(the command line) passes ``Desk.handle(..., progress=callback)`` and is told
``callback(done, total)`` after each batch is committed.  ``done`` never goes
down and the last call has ``done == total``: the total is counted at the start
of the run, and the last call gives what the run found as both, should a
record have come due or been taken by another writer meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

#: Told ``(done, total)`` after each committed batch of a bulk command.
Progress = Callable[[int, int], None]


def counted(done: int, total: int, pending: bool) -> tuple[int, int]:
    """``(done, total)`` after a batch: within the total until the end, then the run's own."""
    return (min(done, total), max(total, done)) if pending else (done, done)
