"""Sealing: a document's personal data encrypted under its file's key, erased by losing it."""

from __future__ import annotations

import json

import attrs
from hypothesis import given
from hypothesis import strategies as st

from servicedesk import convert
from servicedesk.adapters import sealing
from servicedesk.domain.privacy import personal, scrub
from servicedesk.domain.values import Contact, Requester


@attrs.frozen
class Note:
    id: str
    requester: Requester
    amount: str
    text: str = personal()
    lines: tuple[str, ...] = personal(default=())


@attrs.frozen
class Plain:
    id: str
    amount: str


FILE = "request:r-1"
KEY = sealing.new_key()
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
notes = st.builds(
    Note,
    id=st.just("r-1"),
    requester=st.builds(
        Requester,
        texts.map(lambda name: f"Name§{name}"),
        texts.map(lambda unit: f"{unit}-1"),
        st.builds(Contact, st.just("13800138000")),
    ),
    amount=st.just("30.00"),
    text=texts,
    lines=st.lists(texts, max_size=3).map(tuple),
)


def sealed(note: Note, key: bytes | None = KEY) -> dict[str, object]:
    document = convert.unstructure(note)
    return sealing.seal(note, document, FILE, lambda: key)  # type: ignore[no-any-return]


@given(notes)
def test_the_key_opens_what_was_written_and_without_it_the_scrubbed_form_is_read(
    note: Note,
) -> None:
    stored = sealed(note)
    assert sealing.unseal(stored, FILE, KEY) == convert.unstructure(note)
    assert sealing.unseal(stored, FILE, None) == convert.unstructure(scrub(note))
    assert sealing.strip(stored) == convert.unstructure(scrub(note))
    text = json.dumps(stored, ensure_ascii=False)
    assert "Name§" not in text
    assert "13800138000" not in text


def test_a_forgotten_key_stores_the_scrubbed_form_only() -> None:
    note = Note("r-1", Requester("Chen Jie", "3-502", Contact("13800138000")), "30.00", "hi")
    stored = sealed(note, key=None)
    assert sealing.SEALED not in stored
    assert stored == convert.unstructure(scrub(note))
    assert stored["amount"] == "30.00"
    assert stored["id"] == "r-1"


def test_a_document_without_personal_data_is_kept_as_it_is_and_asks_no_key() -> None:
    asked: list[str] = []

    def key_of() -> bytes:
        asked.append("asked")
        return KEY

    document = convert.unstructure(Plain("p-1", "5.00"))
    assert sealing.seal(Plain("p-1", "5.00"), document, FILE, key_of) is document
    assert asked == []


def test_an_edited_or_moved_sealed_part_reads_as_erased_never_an_error() -> None:
    note = Note("r-1", Requester("Chen Jie", "3-502", Contact("13800138000")), "30.00", "hi")
    stored = sealed(note)
    erased = convert.unstructure(scrub(note))
    assert sealing.unseal(stored, "request:r-2", KEY) == erased  # bound to its file
    assert sealing.unseal(stored, FILE, sealing.new_key()) == erased
    edited = {**stored, sealing.SEALED: "AAAA" + str(stored[sealing.SEALED])[4:]}
    assert sealing.unseal(edited, FILE, KEY) == erased
    assert sealing.unseal({**stored, sealing.SEALED: "not base64!"}, FILE, KEY) == erased
