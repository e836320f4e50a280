"""An actor hook for a server behind a gateway that authenticates: the actor from its headers.

Only for a deployment where nothing reaches the API but through that gateway,
which drops these headers from what callers send and sets them itself; exposed
to callers directly, it lets anyone claim any role.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Request

from servicedesk.domain.values import Actor, ActorId, Role, choice

#: The headers the gateway sets: who, with which roles, and the records a requester acts for.
ACTOR: Final = "x-servicedesk-actor"
ROLES: Final = "x-servicedesk-roles"
ACTS_FOR: Final = "x-servicedesk-acts-for"


def _listed(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def actor_from_headers(request: Request[Any, Any, Any]) -> Actor | None:
    """``X-Servicedesk-Actor: clerk-7``, ``X-Servicedesk-Roles: clerk,cashier`` (and, for a
    requester, ``X-Servicedesk-Acts-For: r-1,a-1``); ``None`` without an actor header."""
    actor = request.headers.get(ACTOR)
    if not actor:
        return None
    roles = frozenset(choice(Role, role, "role") for role in _listed(request.headers.get(ROLES)))
    return Actor(ActorId(actor), actor, roles, frozenset(_listed(request.headers.get(ACTS_FOR))))
