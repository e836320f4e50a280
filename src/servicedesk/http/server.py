"""The application ``servicedesk serve`` runs in each uvicorn worker process, from its environment.

Each worker imports this module and calls ``from_environment`` (uvicorn's
``factory=True``), so that every worker opens its own store: a connection pool is
not shared across processes.
"""

from __future__ import annotations

import importlib
import os
from typing import Final

from litestar import Litestar

from servicedesk.http.app import ActorFromRequest, create_app
from servicedesk.http.headers import actor_from_headers

#: The store's URL (or SQLite file) and the actor hook, as ``serve`` hands them to its workers.
DB: Final = "SERVICEDESK_DB"
HOOK: Final = "SERVICEDESK_HTTP_ACTOR"
#: ``SERVICEDESK_HTTP_ACTOR`` naming the gateway's headers (``servicedesk.http.headers``).
HEADERS: Final = "headers"


def hook_named(name: str | None) -> ActorFromRequest | None:
    """``headers``, ``package.module:function``, or nothing (every route but /health refused)."""
    if not name:
        return None
    if name == HEADERS:
        return actor_from_headers
    module, _sep, attribute = name.partition(":")
    found: ActorFromRequest = getattr(importlib.import_module(module), attribute)
    return found


def from_environment() -> Litestar:
    return create_app(
        os.environ.get(DB, "servicedesk.db"), actor_from_request=hook_named(os.environ.get(HOOK))
    )
