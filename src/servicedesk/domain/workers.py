"""Workers and contractors who carry out work orders (rule requests.dispatch-by-skill)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Self

import attrs

from servicedesk.domain.aggregate import Aggregate
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


@attrs.define(kw_only=True)
class Worker(Aggregate[WorkerId]):
    """Someone a work order can go to: skills say what, availability says when."""

    name: str
    kind: WorkerKind
    skills: frozenset[str]
    available: bool = True

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
        return cls._create(
            WorkerRegistered(
                at=at,
                worker_id=worker_id,
                name=check_text(name, "worker name", 100),
                kind=WorkerKind(kind),
                skills=frozenset(check_text(s, "skill", 50) for s in skills),
            )
        )

    def set_available(self, available: bool, *, at: datetime) -> None:
        if available == self.available:
            state = _("available") if available else _("unavailable")
            raise IllegalTransition(
                _("Worker {id} is already {state}."),
                code="worker.illegal_transition",
                id=self.id,
                state=state,
            )
        self._record(WorkerAvailabilityChanged(at=at, worker_id=self.id, available=available))

    def can_do(self, category: str) -> bool:
        return category in self.skills

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case WorkerRegistered():
                return cls(event.worker_id, name=event.name, kind=event.kind, skills=event.skills)
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case WorkerAvailabilityChanged():
                self.available = event.available
            case _:
                super().apply(event)
