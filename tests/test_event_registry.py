"""Event types by name: the registry the event log is read back with."""

from __future__ import annotations

import gc

import attrs

from servicedesk.domain.events import Event, all_event_types
from servicedesk.domain.requests import WorkAccepted


def test_registry_ignores_the_class_attrs_discarded_for_its_slotted_copy() -> None:
    """attrs builds a new class for ``@attrs.frozen``; the original, with only ``at``,
    stays among ``Event.__subclasses__()`` until collected, and once won the name."""
    gc.disable()
    try:

        @attrs.frozen(kw_only=True)
        class ProbeHappened(Event):
            detail: str

        stale = [
            c
            for c in Event.__subclasses__()
            if c.__name__ == "ProbeHappened" and "__attrs_attrs__" not in vars(c)
        ]
        assert stale, "attrs no longer leaves the original class behind; keep the test honest"
        found = all_event_types()["ProbeHappened"]
        assert found is ProbeHappened
        assert [a.name for a in attrs.fields(found)] == ["at", "detail"]
    finally:
        gc.enable()
    del ProbeHappened, stale, found
    gc.collect()  # leave no probe event behind for tests that walk every event type
    assert "ProbeHappened" not in all_event_types()


def test_every_registered_event_has_its_own_fields() -> None:
    types = all_event_types()
    assert types["WorkAccepted"] is WorkAccepted
    assert all("__attrs_attrs__" in vars(cls) for cls in types.values())
