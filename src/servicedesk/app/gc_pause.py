"""Python's cyclic garbage collector, paused while a bulk step makes many small objects.

A sweep or a purge makes hundreds of thousands of events and audit references,
none of them in a reference cycle.  As they accumulate, the collector walks
them again and again (every few hundred allocations, and the oldest
generation as it grows), most of all while the audit record names the events
(docs/performance.md has the figures).  The collector is on again, if it
was, as soon as the step is done; what it would have freed meanwhile it
frees then.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
