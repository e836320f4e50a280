"""Shared fixtures: a desk on the memory store with a clock the test moves."""

from __future__ import annotations

import pytest

from servicedesk import Desk
from servicedesk.adapters.memory import MemoryStore
from support import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def desk(store: MemoryStore, clock: Clock) -> Desk:
    return Desk(store, clock=clock, entry_points=False)
