"""Personal data sealed per record file: encrypted at rest, erased by forgetting one key.

Every document and event a store writes is kept as ``privacy.scrub`` of it, the
form the audit trail digests, plus, where scrubbing changed something, the
original values at those places encrypted with AES-GCM under the key of the
record's file (``<store kind>:<record id>``, ``RecordFileId``) and bound to that
file id.  Reading puts the values back while the key exists; once the file's key
is forgotten (an erasure, a purge) the same document reads as its scrubbed form,
the ``[erased]`` markers, and nothing stored has to be rewritten.  A file whose
key was forgotten keeps a tombstone, so whatever is written for it afterwards is
stored scrubbed and never under a new key.

Documents stored before sealing existed hold no ``SEALED`` part and read as
they are; erasure scrubs those in place.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from servicedesk import convert
from servicedesk.domain.privacy import scrub

#: The document's member that holds the sealed values (no attribute starts with ``_``).
SEALED: Final = "_sealed"
_NONCE = 12

#: The key of a file: bytes, or None once forgotten (or when none is wanted).
KeyOf = Callable[[], bytes | None]


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def file_of(kind: str, record_id: str) -> str:
    """The record file's id (``RecordFileId.of``) that a document of ``kind`` is sealed under."""
    return f"{kind}:{record_id}"


def seal(
    value: Any,
    document: Any,
    file_id: str,
    key_of: KeyOf,
    made: Callable[[Any], Any] = convert.unstructure,
) -> Any:
    """``document`` (``made(value)``) as stored: scrubbed, its personal part sealed.

    ``key_of`` is asked only when there is something to seal; it gives None for a
    file whose key was forgotten, and then the scrubbed form alone is kept.
    """
    scrubbed = scrub(value)
    if scrubbed is value:
        return document
    visible = made(scrubbed)
    patches = _diff(visible, document, [])
    if not patches:
        return visible
    key = key_of()
    if key is None:
        return visible
    nonce = os.urandom(_NONCE)
    plain = json.dumps(patches, ensure_ascii=False, separators=(",", ":")).encode()
    sealed = AESGCM(key).encrypt(nonce, plain, file_id.encode())
    return {**visible, SEALED: base64.b64encode(nonce + sealed).decode("ascii")}


def is_sealed(document: Any) -> bool:
    return isinstance(document, dict) and SEALED in document


def strip(document: Any) -> Any:
    """The document without its sealed part: what it reads as once its key is forgotten."""
    if not is_sealed(document):
        return document
    return {k: v for k, v in document.items() if k != SEALED}


def unseal(document: Any, file_id: str, key: bytes | None) -> Any:
    """The document as written, if ``key`` opens it; else its scrubbed form (never an error).

    A sealed part that does not open under the file's key (edited, or moved from
    another file) reads as erased too: ``verify`` still checks the scrubbed form.
    """
    if not is_sealed(document):
        return document
    visible = strip(document)
    if key is None:
        return visible
    try:
        raw = base64.b64decode(document[SEALED])
        plain = AESGCM(key).decrypt(raw[:_NONCE], raw[_NONCE:], file_id.encode())
        patches = json.loads(plain)
    except (InvalidTag, ValueError, TypeError):
        return visible
    result = visible
    for path, original in patches:
        result = _put(result, path, original)
    return result


def _diff(visible: Any, plain: Any, path: list[Any]) -> list[list[Any]]:
    """Where ``plain`` differs from ``visible``: ``[path, value in plain]`` pairs."""
    if visible == plain:
        return []
    if isinstance(visible, dict) and isinstance(plain, dict) and visible.keys() == plain.keys():
        return [p for k in visible for p in _diff(visible[k], plain[k], [*path, k])]
    if isinstance(visible, list) and isinstance(plain, list) and len(visible) == len(plain):
        pairs = enumerate(zip(visible, plain, strict=True))
        return [p for i, (a, b) in pairs for p in _diff(a, b, [*path, i])]
    return [[path, plain]]


def _put(document: Any, path: list[Any], value: Any) -> Any:
    """``document`` with ``value`` at ``path``: copies along the path, the rest shared."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(document, dict) and head in document:
        return {**document, head: _put(document[head], rest, value)}
    if isinstance(document, list) and isinstance(head, int) and 0 <= head < len(document):
        copied = list(document)
        copied[head] = _put(document[head], rest, value)
        return copied
    return document  # a shape the scrubbed form no longer has: leave it erased
