"""The duty rules: who may be sent to a job, and who may sit at a hall window, now.

One module, asked by dispatch (``app/requests/handlers.py``) and by the hall's
``GoOnDuty`` (``app/hall/handlers.py``):

- **qualifications** (rule staff.qualified-dispatch, rule staff.window-requirements): an
  item's required qualifications (``SetItemRequirement`` and the policy's
  ``servicedesk_item_requirement``) and a window's (``servicedesk_window_requirement``)
  must each be held, valid today in the organisation's zone.  They apply whenever
  something is required, roster or not;
- **the roster** (rule staff.duty-roster): once any shift is rostered on the desk, a
  member of staff is on duty only on a shift covering the moment (at the window, for a
  window's duty), and, unless the policy says otherwise, only with a passed training
  (rule staff.training).  Automatic dispatch passes over whoever is off duty; a manual
  dispatch to someone off shift is refused, or carried out and recorded as
  ``WorkedOffShift`` where ``servicedesk_staff_rules`` allows it (rule
  staff.off-shift-dispatch).  Contractors are not the centre's staff: the roster and the
  training rule do not apply to them, the qualifications do;
- **no roster** (rule staff.no-roster): a desk where nobody was ever rostered (or every
  shift was cancelled) dispatches and staffs windows as it did before there were rosters.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import attrs

from servicedesk.app.context import Context
from servicedesk.domain.catalogue import ServiceItem
from servicedesk.domain.errors import IllegalTransition
from servicedesk.domain.hall import Window
from servicedesk.domain.requests import ServiceRequest
from servicedesk.domain.staff import ItemRequirement, StaffFile, StaffId, StaffRules
from servicedesk.domain.values import Identifier, ItemId
from servicedesk.domain.workers import Worker, WorkerKind
from servicedesk.i18n import _


@attrs.frozen
class Duty:
    """What the rules need to know, read once per command (a batch of dispatches too)."""

    rostered: bool
    rules: StaffRules
    today: date
    now: datetime
    #: What each item requires, asked once per item in a batch.
    required: dict[ItemId, frozenset[str]] = attrs.field(factory=dict, eq=False)

    @classmethod
    def read(cls, ctx: Context, item_id: ItemId | None = None) -> Duty:
        """The duty of now; with ``item_id``, what it requires is read in the same look-up."""
        tz = ctx.policies.calendar().tz
        required: dict[ItemId, frozenset[str]] = {}
        if item_id is None:
            rostered = ctx.uow.staff_files.has_roster()
        else:
            stored, rostered = ctx.uow.item_requirements.with_roster(item_id)
            required[item_id] = _asked(ctx, item_id, stored)
        return cls(
            rostered=rostered,
            rules=ctx.policies.staff_rules(),
            today=ctx.now.astimezone(tz).date(),
            now=ctx.now,
            required=required,
        )


def _asked(ctx: Context, item_id: ItemId, stored: ItemRequirement | None) -> frozenset[str]:
    recorded = stored.qualifications if stored is not None else frozenset()
    if not ctx.policies.adds_item_requirements():
        return recorded
    return ctx.policies.item_requirement(ctx.uow.items.get(item_id), recorded)


def staff_file(ctx: Context, staff: Identifier) -> StaffFile | None:
    return ctx.uow.staff_files.find(StaffId(staff.value))


def item_requirement(ctx: Context, item_id: ItemId, duty: Duty | None = None) -> frozenset[str]:
    """The qualification kinds whoever does the item must hold."""
    if duty is not None and item_id in duty.required:
        return duty.required[item_id]
    required = _asked(ctx, item_id, ctx.uow.item_requirements.find(item_id))
    if duty is not None:
        duty.required[item_id] = required
    return required


def _lacks(file: StaffFile | None, required: frozenset[str], today: date) -> list[str]:
    if not required:
        return []
    return sorted(required) if file is None else file.lacks(required, today)


def _bound_by_roster(worker: Worker) -> bool:
    return worker.kind is WorkerKind.STAFF


def _on_duty(duty: Duty, file: StaffFile | None) -> bool:
    if file is None or file.on_shift(duty.now) is None:
        return False
    return file.trained or not duty.rules.training_before_duty


def fit_workers(
    ctx: Context, item: ServiceItem, candidates: Sequence[Worker], duty: Duty | None = None
) -> list[Worker]:
    """Of ``candidates``, those automatic dispatch may pick for ``item``: qualified, and on
    duty once there is a roster."""
    duty = duty or Duty.read(ctx, item.id)
    required = item_requirement(ctx, item.id, duty)
    if not required and not duty.rostered:
        return list(candidates)
    ctx.uow.staff_files.preload(StaffId(w.id.value) for w in candidates)
    fit = []
    for worker in candidates:
        file = staff_file(ctx, worker.id)
        if _lacks(file, required, duty.today):
            continue
        if duty.rostered and _bound_by_roster(worker) and not _on_duty(duty, file):
            continue
        fit.append(worker)
    return fit


def check_dispatch(ctx: Context, request: ServiceRequest, worker: Worker, item_id: ItemId) -> None:
    """Refuse a manual dispatch of ``request`` to ``worker`` the duty rules forbid; record the
    off-shift work the policy allows."""
    duty = Duty.read(ctx, item_id)
    required = item_requirement(ctx, item_id, duty)
    if not required and not duty.rostered:
        return
    file = staff_file(ctx, worker.id)
    missing = _lacks(file, required, duty.today)
    if missing:
        raise IllegalTransition(
            _("Worker {id} holds no valid {kinds} certificate, which item {item} requires."),
            code="staff.unqualified",
            field="worker_id",
            id=worker.id,
            kinds=", ".join(missing),
            item=item_id,
        )
    if not duty.rostered or not _bound_by_roster(worker):
        return
    if duty.rules.training_before_duty and (file is None or not file.trained):
        raise IllegalTransition(
            _("Worker {id} has passed no training yet; staff go on duty trained."),
            code="staff.untrained",
            field="worker_id",
            id=worker.id,
        )
    if file is not None and file.on_shift(duty.now) is not None:
        return
    if not duty.rules.off_shift_dispatch:
        raise IllegalTransition(
            _("Worker {id} is not on shift now; send someone on duty."),
            code="staff.off_duty",
            field="worker_id",
            id=worker.id,
        )
    if file is None:
        file = StaffFile.open(StaffId(worker.id.value), at=ctx.now)
        ctx.uow.staff_files.add(file)
    file.record_off_shift(request.id, at=ctx.now)


def check_window_duty(ctx: Context, window: Window, staff: Identifier) -> None:
    """Refuse ``staff`` the duty at ``window`` unless qualified for it and, once there is a
    roster, on a shift at that window (and trained, unless the policy says otherwise)."""
    required = ctx.policies.window_requirement(window)
    duty = Duty.read(ctx)
    if not required and not duty.rostered:
        return
    file = staff_file(ctx, staff)
    missing = _lacks(file, required, duty.today)
    if missing:
        raise IllegalTransition(
            _("{staff} holds no valid {kinds} certificate, which window {id} requires."),
            code="staff.unqualified",
            staff=staff,
            kinds=", ".join(missing),
            id=window.id,
        )
    if not duty.rostered:
        return
    if file is None or file.on_shift(duty.now, window.id) is None:
        raise IllegalTransition(
            _("{staff} is not rostered at window {id} now."),
            code="staff.off_duty",
            staff=staff,
            id=window.id,
        )
    if duty.rules.training_before_duty and not file.trained:
        raise IllegalTransition(
            _("{staff} has passed no training yet; staff go on duty trained."),
            code="staff.untrained",
            staff=staff,
        )
