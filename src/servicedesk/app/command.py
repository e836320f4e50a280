"""The base of every command."""

from __future__ import annotations

from typing import ClassVar

import attrs

from servicedesk.domain.reserved import ReservedAct


@attrs.frozen(kw_only=True)
class Command:
    """Base of every command: a plain frozen value naming what a caller asks the desk to do.

    ``reserved`` names the act the domain reserves to certain roles, if the
    command performs one (``servicedesk.domain.reserved``).  ``on_work_order``
    says that it acts on a request's current work order (or names a worker),
    which a worker or contractor may do for his own order, or himself, only
    (rule requests.own-work-order).
    """

    reserved: ClassVar[ReservedAct | None] = None
    on_work_order: ClassVar[bool] = False
