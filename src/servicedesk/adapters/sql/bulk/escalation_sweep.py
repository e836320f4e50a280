"""The escalation sweep of complaints as set-based SQL: a few statements per group.

``Complaint.escalate`` is the reference (the memory store runs it for each complaint).  Here
the complaints due (``escalation_due < now``) are grouped in SQL by what decides their next
step: category and urgency (what the policy's chain is asked about), the number of
escalations so far, the clock that runs and whether its breach is recorded.  For each group
the policy is asked once, with one complaint of the group, and the domain's ``escalation``
gives the step and the next escalation time; then, for the whole group,

1. one ``SELECT ... FOR UPDATE`` takes the ids, and the due and start of the running clock
   (to build the events the command returns, publishes and audits);
2. one ``INSERT ... SELECT`` writes one ``ComplaintEscalated`` event per complaint (with
   the breach when the group's clock has none recorded), its document made once with
   ``convert.unstructure`` and completed per row in SQL with the complaint's id and its
   clock's times;
3. one ``UPDATE`` appends the breach and the escalation to the documents, sets
   ``updated_at`` and moves the version and the projection columns on,

which stores exactly what saving each escalated complaint would store.  Every statement
must touch as many rows as the first found, else another transaction changed the group
meanwhile and the unit of work fails with ``ConcurrencyConflict`` (the desk retries).

In batches (``limit``), a unit of work takes the first ``limit`` complaints due after
the last one the run took (``after``), by id: every statement above is confined to that
span.  An escalated complaint is no longer due at the same instant, so repeating a batch,
or the whole sweep, escalates nothing twice.

What goes through the per-complaint domain path instead, in the same unit of work: the
complaints this unit of work has loaded already (they may hold unsaved changes), and rows
whose grouping columns are empty (written before the columns were filled).  The chain of a
complaint must follow from its category and urgency (docs/hooks.md).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from servicedesk import convert
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.bulk.json_edits import Edit, json_edit, json_template
from servicedesk.adapters.sql.repository import SqlRepository
from servicedesk.app import gc_pause as collector
from servicedesk.app.audit import event_ref, json_escaped, ref_maker
from servicedesk.app.complaints.ports import Swept
from servicedesk.app.unit_of_work import Written
from servicedesk.domain.audit import EventRef
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.complaints import (
    Complaint,
    ComplaintEscalated,
    ComplaintId,
)
from servicedesk.domain.deadlines import Breach, Escalation, EscalationStep, escalation
from servicedesk.domain.errors import ConcurrencyConflict
from servicedesk.domain.events import Event
from servicedesk.i18n import _

Chain = Callable[[Complaint], Sequence[EscalationStep]]

#: What decides a complaint's next step, as the projection columns that hold it.
GROUP_COLUMNS = ("category", "urgency", "escalation_level", "clock_kind", "clock_breached")
#: Copied from each row into what the sweep writes.
COPIED_COLUMNS = ("clock_started_iso", "clock_due_iso")
#: The strings of the templates that SQL replaces with each complaint's own (each hole is
#: in a template once: the breach's due time is the escalation's, under a second name).
ID, STARTED, DUE, MISSED = "@@complaint_id@@", "@@started_at@@", "@@due@@", "@@missed@@"
ESCALATED_HOLES: dict[tuple[str, ...], str] = {("complaint_id",): ID, ("escalation", "due"): DUE}
BREACH_HOLES: dict[tuple[str, ...], str] = {
    ("breach", "started_at"): STARTED,
    ("breach", "due"): MISSED,
}


def escalate_due(
    repository: SqlRepository[Complaint],
    now: datetime,
    *,
    chain: Chain,
    calendar: WorkingCalendar,
    after: ComplaintId | None = None,
    limit: int | None = None,
) -> Swept:
    """``ComplaintRepository.escalate_due`` in SQL; see the module's docstring."""
    c = repository.table.c
    due: list[Any] = [c.escalation_due < now]
    if after is not None:
        due.append(c.id > after.value)
    last = None if limit is None else _last_of_batch(repository, due, limit)
    if last is not None:
        due.append(c.id <= last.value)
    held = [
        a
        for a in repository.seen.values()
        if _before(a.next_escalation_at, now) and _within(a.id, after, last)
    ]
    if repository.seen:  # held by this unit of work: the domain path, saved at commit
        due.append(c.id.not_in([key.value for key in repository.seen]))
    ungrouped = sa.or_(*(c[name].is_(None) for name in GROUP_COLUMNS + COPIED_COLUMNS))
    loaded = held + repository._select(*due, ungrouped)
    escalated = 0
    for complaint in sorted(loaded, key=_filing_order):  # the domain path
        escalated += complaint.escalate(chain=chain(complaint), calendar=calendar, now=now)
    keys = [c[name] for name in GROUP_COLUMNS]
    groups = (
        sa.select(*keys, sa.func.min(c.id).label("sample"))
        .where(*due, sa.not_(ungrouped))
        .group_by(*keys)
        .order_by(*keys)
    )
    for group in repository.uow.execute(groups).all():
        where = [*due, *(key == group[index] for index, key in enumerate(keys))]
        escalated += _escalate_group(repository, group, where, now, chain, calendar)
    return Swept(escalated, last)


def _last_of_batch(
    repository: SqlRepository[Complaint], due: list[Any], limit: int
) -> ComplaintId | None:
    """The ``limit``-th complaint due, by id, if more are due after it; else None.

    Counted first on the index of when they are due, so that the sweep every few
    minutes, with fewer due than a batch, never walks the complaints by id.
    """
    c = repository.table.c
    taken = sa.select(c.id).where(*due).limit(limit + 1).subquery()
    counted = repository.uow.execute(sa.select(sa.func.count()).select_from(taken))
    if counted.scalar_one() <= limit:
        return None
    query = sa.select(c.id).where(*due).order_by(c.id).offset(limit - 1).limit(1)
    found = repository.uow.execute(query).scalar()
    return None if found is None else ComplaintId(found)


def _within(key: ComplaintId, after: ComplaintId | None, last: ComplaintId | None) -> bool:
    return (after is None or key.value > after.value) and (last is None or key.value <= last.value)


def _before(at: datetime | None, now: datetime) -> bool:
    return at is not None and at < now


def _filing_order(complaint: Complaint) -> tuple[datetime, str]:
    return (complaint.filed_at or t.END_OF_TIME, complaint.id.value)


def _escalate_group(
    repository: SqlRepository[Complaint],
    group: sa.Row[Any],
    where: list[Any],
    now: datetime,
    chain: Chain,
    calendar: WorkingCalendar,
) -> int:
    """Escalate the complaints of one group (``where``); how many went up."""
    sample = repository._get(ComplaintId(group.sample))  # not tracked: nothing to save
    if sample is None or tuple(group[:-1]) != _group_of(sample):
        raise _changed()  # another transaction changed it since the grouping
    clock = sample.clock
    assert clock is not None  # escalation_due < now implies a running clock, due before now
    assert clock.due < now
    step = escalation(
        chain=chain(sample),
        escalated=sample.escalations,
        kind=clock.kind,
        due=clock.due,
        calendar=calendar,
        now=now,
    )
    if step is None:  # the top of the chain
        return 0
    breach = None if sample.clock_breached else Breach(clock.kind, clock.started_at, clock.due, now)
    escalated = ComplaintEscalated(at=now, complaint_id=sample.id, escalation=step, breach=breach)
    store = repository.uow
    c = repository.table.c
    clock_due, clock_start = c.clock_due_iso, c.clock_started_iso
    found = sa.select(c.id, clock_due, clock_start).where(*where).order_by(c.id)
    if store.store.engine.dialect.name != "sqlite":  # SQLite's unit of work holds the file
        found = found.with_for_update()
    # Fetched in slices and made into events at once: no list of all the rows besides them.
    with collector.paused():
        rows = itertools.chain.from_iterable(store.execute(found).partitions(FETCHED))
        stored = _stored(rows, step, escalated)
    count = len(stored.events)

    holes = {DUE: clock_due, MISSED: clock_due, STARTED: clock_start, ID: c.id}
    edits: list[Edit] = []
    places = ESCALATED_HOLES
    if breach is not None:
        missed = _template(breach, {("started_at",): STARTED, ("due",): DUE}, holes)
        edits.append(("append", ("breaches",), "json", missed))
        places = {**ESCALATED_HOLES, **BREACH_HOLES}
    up = _template(step, {("due",): DUE}, holes)
    edits += [
        ("append", ("escalations",), "json", up),
        ("set", ("updated_at",), "text", convert.unstructure(now)),
        ("set", ("version",), "number", c.version),
    ]
    insert = _events(repository, where, escalated, places, holes, now)
    new_document = json_edit(c.document, edits)
    _expect(store.execute(insert).rowcount, count)
    update = (
        sa.update(repository.table)
        .where(*where)
        .ordered_values(  # the document first: MariaDB's SET sees the values set before it
            (c.document, new_document),
            (c.escalation_due, step.next_at),
            (c.escalation_level, len(sample.escalations) + 1),
            (c.clock_breached, True),
            (c.version, c.version + 1),
        )
    )
    _expect(store.execute(update).rowcount, count)
    store.written.append(stored)
    store.wrote_in_bulk(count, repository.table.name, "events")
    return count


def _group_of(complaint: Complaint) -> tuple[Any, ...]:
    clock = complaint.clock
    return (
        complaint.category,
        complaint.urgency.value,
        len(complaint.escalations),
        None if clock is None else clock.kind.value,
        complaint.clock_breached,
    )


def _template(
    value: Any, places: dict[tuple[str, ...], str], holes: dict[str, Any]
) -> json_template:
    """``value`` as JSON made once, with the holes at ``places`` filled per row in SQL."""
    data = convert.unstructure(value)
    for path, hole in places.items():
        inner = data
        for key in path[:-1]:
            inner = inner[key]
        inner[path[-1]] = hole
    return json_template(json.dumps(data), {hole: holes[hole] for hole in places.values()})


def _events(
    repository: SqlRepository[Complaint],
    where: list[Any],
    template: Event,
    places: dict[tuple[str, ...], str],
    holes: dict[str, Any],
    now: datetime,
) -> sa.Insert:
    """``INSERT INTO events ... SELECT`` one event like ``template`` per complaint of ``where``."""
    c = repository.table.c
    e = t.events.c
    rows = (
        sa.select(
            sa.literal(repository.kind, sa.String()),
            c.id,
            c.version + 1,
            sa.literal(type(template).__name__, sa.String()),
            sa.literal(now, t.events.c.at.type),
            _template(template, places, holes),
            sa.literal(repository.uow.entry, sa.BigInteger()),
        )
        .where(*where)
        .order_by(c.id)  # the log in the order of the events the command returns
    )
    columns = [e.stream, e.aggregate_id, e.version, e.type, e.at, e.document, e.entry]
    insert = sa.insert(t.events).from_select(columns, rows)
    return insert.execution_options(preserve_rowcount=True)  # checked against the rows found


def _expect(touched: int, found: int) -> None:
    if touched != found:
        raise _changed()


def _changed() -> ConcurrencyConflict:
    return ConcurrencyConflict(
        _("Complaints due for escalation were changed by someone else meanwhile; try again.")
    )


#: Rows fetched at a time by the sweep (its memory for rows, not for the events it makes).
FETCHED = 10_000


def _stored(rows: Iterable[Any], step: Escalation, escalated: ComplaintEscalated) -> Written:
    """The events the statement wrote, as objects, with their audit references.

    ``rows`` are (id, clock due, clock start) per complaint, in the order of the log.
    """
    breach = escalated.breach
    paths = [("complaint_id",), ("escalation", "due")]
    if breach is not None:
        paths += [("breach", "started_at"), ("breach", "due")]
    maker = ref_maker(escalated, paths)
    instants: dict[str, tuple[datetime, str]] = {}  # complaints filed together share their times
    steps: dict[datetime, Escalation] = {}
    breaches: dict[tuple[datetime, datetime], Breach] = {}

    def instant(text: str) -> tuple[datetime, str]:
        found = instants.get(text)
        if found is None:
            at = datetime.fromisoformat(text)
            found = instants[text] = (at, at.isoformat())
        return found

    events: list[Event] = []
    refs: list[EventRef] = []
    add_event, add_ref = events.append, refs.append
    now = step.at
    for complaint, due_text, started_text in rows:
        due, due_iso = instant(due_text)
        up = steps.get(due)
        if up is None:
            up = steps[due] = Escalation(step.level, step.role, step.kind, due, now, step.next_at)
        values = [json_escaped(complaint), due_iso]  # ISO times need no escaping
        missed = None
        if breach is not None:
            started, started_iso = instant(started_text)
            missed = breaches.get((started, due))
            if missed is None:
                missed = breaches[started, due] = Breach(breach.kind, started, due, now)
            values += [started_iso, due_iso]
        event = escalated.alike(complaint, up, missed)
        add_event(event)
        add_ref(event_ref(event) if maker is None else maker(values))
    return Written(events, refs=refs)
