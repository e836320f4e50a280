"""Reading the records: the audit trail, retention plans, exports and job archives.

``desk.records`` answers without changing anything.  Exports pass through a
masking converter: names, units, phones and identity numbers come out
masked (``C*******``, ``138****8000``) unless the caller asks to reveal them
for a subject-access export, after checking the requester's identity.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from servicedesk import convert
from servicedesk.app import audit, trail_check
from servicedesk.app.audit import Read
from servicedesk.app.context import Wiring
from servicedesk.app.permissions import Access
from servicedesk.app.records.filing import files_of_phone
from servicedesk.app.records.ports import SettlementVoucher
from servicedesk.app.unit_of_work import Store, UnitOfWork
from servicedesk.app.zone import ZonedQueries
from servicedesk.domain import requests as rq
from servicedesk.domain.audit import AuditHead, AuditRecord, MalformedRecord, Verdict
from servicedesk.domain.errors import IllegalTransition
from servicedesk.domain.events import Event
from servicedesk.domain.lost_found import FoundItem, FoundItemStatus
from servicedesk.domain.money import Money
from servicedesk.domain.privacy import is_personal, personal
from servicedesk.domain.retention import Hold, RecordFile, RecordFileId, RecordKind
from servicedesk.domain.values import (
    Actor,
    Contact,
    ItemId,
    Requester,
    RequestId,
    aware,
    mask,
    mask_phone,
)
from servicedesk.i18n import _
from servicedesk.policies.manager import Policies
from servicedesk.policies.records_defaults import REVEAL_PERSONAL_DATA

# --- masking -------------------------------------------------------------------------------------


def _has_personal_fields(cls: Any) -> bool:
    return attrs.has(cls) and any(is_personal(a) for a in attrs.fields(cls))


def make_masking_converter() -> cattrs.Converter:
    """The project's converter, with every piece of personal data masked on the way out."""
    masking = convert.converter.copy()
    masking.register_unstructure_hook(Contact, lambda c: {"phone": mask_phone(c.phone)})
    masking.register_unstructure_hook(
        Requester,
        lambda r: {
            "name": mask(r.name),
            "unit": mask(r.unit, 2),
            "contact": {"phone": mask_phone(r.contact.phone)},
            "kind": r.kind.value,
        },
    )

    def personal_fields(cls: Any) -> Any:
        overrides = {
            a.name: override(unstruct_hook=lambda v: mask(v) if isinstance(v, str) else v)
            for a in attrs.fields(cls)
            if is_personal(a)
        }
        return make_dict_unstructure_fn(cls, masking, **overrides)  # type: ignore[arg-type]

    masking.register_unstructure_hook_factory(_has_personal_fields, personal_fields)
    masking.register_unstructure_hook_func(
        lambda t: t is Event, lambda e: convert.unstructure_event(masking, e)
    )
    return masking


masking_converter = make_masking_converter()


def masked(value: Any) -> Any:
    """Plain, JSON-ready data with personal data masked."""
    if isinstance(value, Event):
        return convert.unstructure_event(masking_converter, value)
    return masking_converter.unstructure(value)


# --- views ---------------------------------------------------------------------------------------


@attrs.frozen
class RecordFileView:
    id: RecordFileId
    kind: str
    record_id: str
    forms: frozenset[RecordKind]
    closed_at: datetime | None
    expires_at: datetime | None
    holds: tuple[Hold, ...]
    erased_at: datetime | None

    @classmethod
    def of(cls, record: RecordFile) -> RecordFileView:
        return cls(
            record.id,
            record.kind,
            record.record_id,
            record.forms,
            record.closed_at,
            record.expires_at,
            record.holds,
            record.erased_at,
        )


@attrs.frozen
class ErasureCheck:
    """Whether one record of the requester can be erased now, and if not, why."""

    file: RecordFileView
    refused_because: str | None

    @property
    def erasable(self) -> bool:
        return self.refused_because is None


@attrs.frozen
class RequestForm:
    """The request form (需求登记表) as registered and triaged."""

    requester: Requester
    channel: rq.Channel
    registered_at: datetime
    item_id: ItemId | None
    price: Money | None
    extra_fees: tuple[rq.ExtraFee, ...]
    consents: tuple[rq.Consent, ...]
    #: The requester's own words: free text, personal (masked in ``archive_json``).
    need: str = personal()


@attrs.frozen
class FeedbackForm:
    """What the requester said of the work: signed acceptance, and rejections before it."""

    accepted_at: datetime | None
    rejections: tuple[str, ...]
    signed_by: str | None = personal()


@attrs.frozen
class JobArchive:
    """Every record of one closed job (rule records.job-archive), retrievable and exportable as
    one.
    """

    request_id: RequestId
    status: rq.Status
    closed_at: datetime
    request_form: RequestForm
    work_orders: tuple[rq.WorkOrder, ...]
    feedback: FeedbackForm
    settlement_vouchers: tuple[SettlementVoucher, ...]
    record_file: RecordFileView | None


@attrs.frozen
class FoundItemView:
    id: str
    description: str
    place: str
    valuable: bool
    found_at: datetime
    keep_until: datetime
    status: FoundItemStatus

    @classmethod
    def of(cls, item: FoundItem) -> FoundItemView:
        return cls(
            item.id.value,
            item.description,
            item.place,
            item.valuable,
            item.found_at,
            item.keep_until,
            item.status,
        )


class RecordQueries(ZonedQueries):
    def __init__(
        self,
        store: Store,
        policies: Policies,
        clock: Callable[[], datetime],
        wiring: Wiring,
        access: Access,
        *,
        audit_key: bytes | None = None,
    ) -> None:
        self.access = access
        self.store = store
        self.policies = policies
        self.clock = clock
        self.wiring = wiring
        self.audit_key = audit_key

    # -- audit trail ------------------------------------------------------------------

    def verify(
        self,
        expected_head: AuditHead | None = None,
        *,
        sealed_from: int = 1,
        actor: Actor | None = None,
    ) -> Verdict:
        """Check the trail, the event log against it, and every stored record against its events.

        ``expected_head`` is a head kept out of the store's reach (``head()``);
        with the desk's ``audit_key`` every record numbered ``sealed_from`` or
        above must carry its seal.  The verdict names the first thing that is not
        what was written, and never raises for what it finds in the store.
        """
        self.access.check("records.verify", actor)
        return trail_check.verify(
            self.store, expected_head, key=self.audit_key, sealed_from=sealed_from
        )

    def head(self, *, actor: Actor | None = None) -> AuditHead | None:
        self.access.check("records.head", actor)
        return audit.head(self.store)

    def trail(
        self, after: int = 0, limit: int = 1000, *, actor: Actor | None = None
    ) -> list[AuditRecord | MalformedRecord]:
        self.access.check("records.trail", actor)
        with self.store.reading() as uow:
            return uow.audit.records(after, limit)

    # -- retention ----------------------------------------------------------------------

    def file(self, kind: str, record_id: str, *, actor: Actor | None = None) -> RecordFileView:
        self.access.check("records.file", actor)
        with self.store.reading() as uow:
            return RecordFileView.of(uow.record_files.get(RecordFileId.of(kind, record_id)))

    def purge_plan(
        self, now: datetime | None = None, limit: int = 1000, *, actor: Actor | None = None
    ) -> list[RecordFileView]:
        """The dry run of ``PurgeExpired``: what it would anonymise at ``now``."""
        self.access.check("records.purge_plan", actor)
        at = aware(now if now is not None else self.clock(), "time")
        with self.store.reading() as uow:
            return [RecordFileView.of(f) for f in uow.record_files.due_for_purge(at, limit)]

    def erasure_plan(self, phone: str, *, actor: Actor | None = None) -> list[ErasureCheck]:
        """What ``EraseRequester`` would erase for this phone, and why it keeps the rest."""
        self.access.check("records.erasure_plan", actor)
        rules = self.policies.retention_rules()
        with self.store.reading() as uow:
            files = [uow.record_files.get(f) for f in self._files_of(uow, phone)]
        return [ErasureCheck(RecordFileView.of(f), f.erasable_on_request(rules)) for f in files]

    @staticmethod
    def _files_of(uow: UnitOfWork, phone: str) -> list[RecordFileId]:
        return files_of_phone(uow, phone)

    def requester_export(
        self, phone: str, *, reveal: bool = False, actor: Actor | None = None
    ) -> dict[str, Any]:
        """Everything held about the requester with this phone, as JSON-ready data.

        Masked unless ``reveal``, which needs a permission of its own
        (``records.reveal_personal_data``, a subject-access export) and leaves an
        audit record naming who saw whose records, by record file id.
        """
        actor = self.access.check("records.requester_export", actor)
        if reveal:
            self.access.check(REVEAL_PERSONAL_DATA, actor)
        out = convert.unstructure if reveal else masked
        exported: list[dict[str, Any]] = []
        with self.store.reading() as uow:
            for file_id in self._files_of(uow, phone):
                record = uow.record_files.get(file_id)
                _cls, id_cls = self.wiring.record_sources[record.kind]
                repository = next(r for r in uow.repositories() if r.kind == record.kind)
                aggregate = repository.get(id_cls(record.record_id))
                history = uow.events.history(record.kind, aggregate.id)
                exported.append(
                    {
                        "file": convert.unstructure(RecordFileView.of(record)),
                        "record": out(aggregate),
                        "history": [out(e) for e in history],
                    }
                )
        if reveal:
            files = [entry["file"]["id"] for entry in exported]
            self.access.revealed(
                actor, Read(REVEAL_PERSONAL_DATA, {"files": files}, subject=",".join(files) or None)
            )
        return {"records": exported}

    # -- archive ------------------------------------------------------------------------

    def archive(self, request_id: RequestId | str, *, actor: Actor | None = None) -> JobArchive:
        """The archive record of one closed job."""
        self.access.check("records.archive", actor, request_id)
        request_id = RequestId(request_id)
        with self.store.reading() as uow:
            request = uow.requests.get(request_id)
            if request.is_open:
                raise IllegalTransition(
                    _("Request {id} is {status}; only a closed job is archived."),
                    code="request.illegal_transition",
                    id=request_id,
                    status=request.status,
                )
            history = uow.events.history("request", request_id)
            record = uow.record_files.find(RecordFileId.of("request", request_id))
            vouchers = tuple(
                v for source in self.wiring.voucher_sources for v in source(uow, request_id)
            )
        accepted = [e for e in history if isinstance(e, rq.WorkAccepted)]
        return JobArchive(
            request_id=request_id,
            status=request.status,
            closed_at=request.updated_at,
            request_form=RequestForm(
                request.requester,
                request.channel,
                request.registered_at,
                request.item_id,
                request.price,
                request.extra_fees,
                request.consents,
                need=request.need,
            ),
            work_orders=request.work_orders,
            feedback=FeedbackForm(
                accepted[-1].at if accepted else None,
                tuple(e.reason for e in history if isinstance(e, rq.WorkRejected)),
                accepted[-1].signed_by if accepted else None,
            ),
            settlement_vouchers=vouchers,
            record_file=None if record is None else RecordFileView.of(record),
        )

    def archive_json(
        self, request_id: RequestId | str, *, actor: Actor | None = None
    ) -> dict[str, Any]:
        """The archive as JSON-ready data, personal data masked."""
        self.access.check("records.archive_json", actor, request_id)
        data: dict[str, Any] = masked(self.archive(request_id, actor=actor))
        return data

    # -- lost and found --------------------------------------------------------------------

    def found_items_kept(self, *, actor: Actor | None = None) -> list[FoundItemView]:
        self.access.check("records.found_items_kept", actor)
        with self.store.reading() as uow:
            return [FoundItemView.of(i) for i in uow.found_items.list_kept()]
