"""Workers and contractors who carry out work orders (rule requests.dispatch-by-skill)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from servicedesk.domain.errors import IllegalTransition
from servicedesk.domain.events import Event
from servicedesk.domain.values import Choice, WorkerId, check_text
from servicedesk.i18n import _


class WorkerKind(Choice):
    STAFF = "staff"
    CONTRACTOR = "contractor"


@attrs.frozen(kw_only=True)
class WorkerRegistered(Event):
    worker_id: WorkerId
    name: str
    kind: WorkerKind
    skills: frozenset[str]


@attrs.frozen(kw_only=True)
class WorkerAvailabilityChanged(Event):
    worker_id: WorkerId
    available: bool


@attrs.define
class Worker:
    """Someone a work order can go to: skills say what, availability says when."""

    id: WorkerId
    name: str = ""
    kind: WorkerKind = WorkerKind.STAFF
    skills: frozenset[str] = frozenset()
    available: bool = True
    version: int = 0
    events: list[Event] = attrs.field(factory=list, eq=False, repr=False)

    @classmethod
    def register(
        cls,
        worker_id: WorkerId,
        *,
        name: str,
        kind: WorkerKind,
        skills: Iterable[str],
        at: datetime,
    ) -> Worker:
        worker = cls(worker_id)
        worker._record(
            WorkerRegistered(
                at=at,
                worker_id=worker_id,
                name=check_text(name, "worker name", 100),
                kind=WorkerKind(kind),
                skills=frozenset(check_text(s, "skill", 50) for s in skills),
            )
        )
        return worker

    def set_available(self, available: bool, *, at: datetime) -> None:
        if available == self.available:
            state = _("available") if available else _("unavailable")
            raise IllegalTransition(
                _("Worker {id} is already {state}.").format(id=self.id, state=state)
            )
        self._record(WorkerAvailabilityChanged(at=at, worker_id=self.id, available=available))

    def can_do(self, category: str) -> bool:
        return category in self.skills

    def _record(self, event: Event) -> None:
        self.apply(event)
        self.events.append(event)

    def apply(self, event: Event) -> None:
        match event:
            case WorkerRegistered():
                self.name, self.kind, self.skills = event.name, event.kind, event.skills
            case WorkerAvailabilityChanged():
                self.available = event.available
            case _:
                raise TypeError(f"Worker cannot apply {type(event).__name__}")
