"""Who may do what: the checks ``Desk`` runs before a command or a query.

Three layers, each refusing with ``PermissionDenied`` (audited by the desk):

1. the role: the policy's permission table (``servicedesk_permitted_roles``,
   ``servicedesk_permitted_readers``), which for a reserved act may only narrow
   the act's roles; a plugin that widens one stops the desk from starting
   (``check_reserved_rules``, rule records.reserved-acts);
2. what the command itself says, checked at the door: staff giving the
   requester's own act must record his evidence; a requester acts only on the
   requests and accounts his actor names (rule requests.requesters-own-acts);
3. what only the records tell, checked in the command's unit of work before its
   handler runs (``check_bound``): a worker acts on his own work order only and
   never records the requester's word on his own job (rule requests.own-work-order).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from servicedesk.app.audit import Read, record_read
from servicedesk.app.command import Command
from servicedesk.app.unit_of_work import Store, UnitOfWork
from servicedesk.domain import reserved
from servicedesk.domain.billing import ChargeId
from servicedesk.domain.catalogue import FeeStandard, ServiceItem
from servicedesk.domain.errors import EvidenceRequired, PermissionDenied, PolicyError
from servicedesk.domain.requests import ServiceRequest
from servicedesk.domain.values import (
    FIELD_ROLES,
    Actor,
    ActorId,
    Identifier,
    ItemId,
    RequesterEvidence,
    RequestId,
    Role,
    aware,
)
from servicedesk.i18n import _
from servicedesk.policies.manager import Policies
from servicedesk.policies.records_defaults import OPEN_TO_THE_PUBLIC

#: Fields naming the record a requester's act is about, checked against ``Actor.acts_for``.
BINDING_FIELDS = ("request_id", "account_id", "application_id", "visit_id")


def _widened(
    act: reserved.ReservedAct, roles: frozenset[Role], hook: str, name: str
) -> PolicyError:
    return PolicyError(
        _(
            "The policy hook {hook} lets {roles} give {command}, which only a {reserved} may "
            "({action}); a plugin may narrow a reserved act, never widen it."
        ),
        code="permission.policy_unusable",
        hook=hook,
        roles=", ".join(sorted(roles - act.roles)),
        command=name,
        reserved=" / ".join(sorted(act.roles)),
        action=_(act.action),
    )


def allowed_roles(policies: Policies, command: type[Command]) -> frozenset[Role]:
    """The roles that may give ``command``; a policy widening a reserved act is refused."""
    allowed = policies.permitted_roles(command.__name__)
    act = command.reserved
    if act is not None and not allowed <= act.roles:
        raise _widened(act, allowed, "servicedesk_permitted_roles", command.__name__)
    return allowed


def check_reserved_rules(policies: Policies, commands: Iterable[type[Command]]) -> None:
    """Refuse, when a desk starts, policies that widen what the domain reserves.

    Every reserved command's permitted roles must lie within its act's roles,
    and the approval chain of a new item, a fee change and a withdrawal must name
    managers only (``Policies.approval_chain`` refuses the system or a
    proposer's desk).
    """
    for command in commands:
        allowed_roles(policies, command)
    probe = ServiceItem(ItemId("policy-probe"), name="probe", category="probe")
    probe.fee = FeeStandard.free()
    for change in ("new", "fee_change", "withdrawal"):
        policies.approval_chain(probe, change)


def refusal(
    actor: Actor,
    what: str,
    allowed: frozenset[Role],
    *,
    query: bool = False,
) -> str:
    """The message of a refusal by role: it says what the caller can do about it."""
    roles = ", ".join(sorted(allowed)) or _("nobody")
    if actor.has(Role.SYSTEM):
        message = (
            _("The system actor may not ask {query}; it needs one of: {roles}.")
            if query
            else _("The system actor may not give {command}; it needs one of: {roles}.")
        )
        hint = _(
            "Pass the member of staff the embedding application authenticated: "
            "actor=Actor(ActorId(...), name, roles)."
        )
        return message.format(query=what, command=what, roles=roles) + " " + hint
    if query:
        return _("{actor} may not ask {query}; it needs one of: {roles}.").format(
            actor=actor.id, query=what, roles=roles
        )
    return _("{actor} may not give the command {command}; it needs one of: {roles}.").format(
        actor=actor.id, command=what, roles=roles
    )


def check_permission(policies: Policies, command: Command, actor: Actor) -> None:
    """Refuse ``actor`` the command by role, evidence and the records his actor names."""
    cls = type(command)
    allowed = allowed_roles(policies, cls)
    if not actor.roles & allowed:
        raise PermissionDenied(refusal(actor, cls.__name__, allowed), code="permission.denied")
    act = cls.reserved
    if actor.is_requester:
        ids = [getattr(command, f) for f in BINDING_FIELDS if hasattr(command, f)]
        if ids and not actor.may_act_for(*ids):
            raise PermissionDenied(
                _("{actor} acts for other records; a requester gives {command} only for his own."),
                field=next(f for f in BINDING_FIELDS if hasattr(command, f)),
                code="permission.denied",
                actor=actor.id,
                command=cls.__name__,
            )
    elif act is not None and act.needs_evidence and evidence_of(command) is None:
        raise EvidenceRequired(
            _(
                "{command} is the requester's own act: give it as the requester, or record "
                "how he gave it and who witnessed it (evidence)."
            ),
            field="evidence",
            command=cls.__name__,
        )


def evidence_of(command: Command) -> RequesterEvidence | None:
    evidence = getattr(command, "evidence", None)
    return evidence if isinstance(evidence, RequesterEvidence) else None


def acts_as_field_staff(policies: Policies, command: type[Command], actor: Actor) -> bool:
    """Whether only his worker or contractor role lets ``actor`` give ``command``."""
    granting = actor.roles & allowed_roles(policies, command)
    return bool(granting) and granting <= FIELD_ROLES


def _concerns(command: Command, uow: UnitOfWork) -> tuple[ServiceRequest | None, str | None]:
    """The request a command acts on, and the account when it names a charge."""
    request_id = getattr(command, "request_id", None)
    if isinstance(request_id, RequestId):
        return uow.requests.get(request_id), None
    charge_id = getattr(command, "charge_id", None)
    if isinstance(charge_id, ChargeId):
        charge = uow.charges.get(charge_id)
        return uow.requests.get(charge.request_id), charge.account_id.value
    return None, None


def check_bound(policies: Policies, command: Command, actor: Actor, uow: UnitOfWork) -> None:
    """Refuse what the records forbid ``actor``; called in the command's unit of work."""
    cls = type(command)
    field_staff = cls.on_work_order and acts_as_field_staff(policies, cls, actor)
    worker_id = getattr(command, "worker_id", None)
    if field_staff and worker_id is not None:
        if str(worker_id) != actor.id.value:
            raise PermissionDenied(
                _("{actor} may give {command} for himself only, not for worker {worker}."),
                field="worker_id",
                code="permission.denied",
                actor=actor.id,
                command=cls.__name__,
                worker=worker_id,
            )
        return
    act = cls.reserved
    if not field_staff and not (act is not None and act.needs_evidence):
        return
    request, account = _concerns(command, uow)
    if request is None:
        return
    if field_staff:
        if request.worker_id is None or request.worker_id.value != actor.id.value:
            raise PermissionDenied(
                _(
                    "Request {id}'s work order names another worker; {actor} acts on his own "
                    "orders only."
                ),
                field="request_id",
                code="request.forbidden",
                id=request.id,
                actor=actor.id,
            )
        return
    if actor.is_requester:
        if not actor.may_act_for(request.id, account):
            raise PermissionDenied(
                _("{actor} acts for other records; a requester gives {command} only for his own."),
                code="permission.denied",
                actor=actor.id,
                command=cls.__name__,
            )
        return
    workers = {order.worker_id.value for order in request.work_orders}
    evidence = evidence_of(command)
    people: set[ActorId] = {actor.id} | ({evidence.witnessed_by} if evidence else set())
    if any(person.value in workers for person in people):
        raise PermissionDenied(
            _(
                "A worker never records or witnesses the requester's word on his own job "
                "(request {id})."
            ),
            field="evidence",
            code="permission.denied",
            id=request.id,
        )


class Access:
    """The permission check every query of the desk runs first (rule records.access-by-role).

    A query is named ``<desk attribute>.<method>`` (``billing.account``); its
    roles come from ``servicedesk_permitted_readers``.  A requester reads only
    the records his actor ``acts_for`` names (``ids``).  A refusal raises
    ``PermissionDenied`` and leaves an audit record, as a command's does.
    """

    def __init__(
        self,
        store: Store,
        policies: Policies,
        clock: Callable[[], datetime],
        audit_key: bytes | None = None,
    ) -> None:
        self.store = store
        self.policies = policies
        self.clock = clock
        self.audit_key = audit_key

    def check(self, query: str, actor: Actor | None, *ids: Identifier | str | None) -> Actor:
        """The actor (the system when none is given), once he may ask ``query`` about ``ids``."""
        actor = actor or Actor.system()
        allowed = self.policies.permitted_readers(query)
        if not actor.roles & allowed:
            message = refusal(actor, query, allowed, query=True)
        elif (
            actor.is_requester
            and query not in OPEN_TO_THE_PUBLIC
            and any(i is not None for i in ids)
            and not actor.may_act_for(*ids)
        ):
            message = _("{actor} acts for other records; a requester reads only his own.").format(
                actor=actor.id
            )
        else:
            return actor
        read = Read(
            query, {"ids": [str(i) for i in ids if i is not None]}, refused="PermissionDenied"
        )
        record_read(self.store, read, actor, aware(self.clock(), "clock time"), self.audit_key)
        raise PermissionDenied(message, code="permission.denied")

    def revealed(self, actor: Actor, read: Read) -> None:
        """Record that ``actor`` was shown personal data unmasked: who saw whose records."""
        record_read(self.store, read, actor, aware(self.clock(), "clock time"), self.audit_key)


# --- the table of who may do what ----------------------------------------------------------------

#: The columns of the table: every role, the requester acting for himself and for another.
ANOTHERS = "requester for another"
COLUMNS: tuple[str, ...] = (*(role.value for role in Role), ANOTHERS)


def command_cells(policies: Policies, command: type[Command]) -> dict[str, str]:
    """Per column, whether the role may give ``command``: ``yes``, a condition, or ``no``.

    ``evidence``: staff record the requester's word with how he gave it and a witness;
    ``own``: a requester, on his own requests and accounts only; ``own order``: a worker or
    contractor, on his own work order (or for himself) only.
    """
    allowed = allowed_roles(policies, command)
    act = command.reserved
    cells: dict[str, str] = {}
    for role in Role:
        if role not in allowed:
            cell = "no"
        elif role is Role.REQUESTER:
            cell = "own"
        elif act is not None and act.needs_evidence:
            cell = "evidence"
        elif role in FIELD_ROLES and command.on_work_order:
            cell = "own order"
        else:
            cell = "yes"
        cells[role.value] = cell
    cells[ANOTHERS] = "no"
    return cells


def query_cells(policies: Policies, query: str) -> dict[str, str]:
    """Per column, whether the role may ask ``query``; a requester reads his own records only."""
    allowed = policies.permitted_readers(query)
    public = query in OPEN_TO_THE_PUBLIC and Role.REQUESTER in allowed
    cells = {
        role.value: "no"
        if role not in allowed
        else ("own" if role is Role.REQUESTER and not public else "yes")
        for role in Role
    }
    cells[ANOTHERS] = "yes" if public else "no"
    return cells


def matrix_markdown(rows: Iterable[tuple[str, dict[str, str]]]) -> str:
    """The table as Markdown, as docs/records.md shows it."""
    marks = {"yes": "✓", "no": "", "own": "own", "evidence": "evidence", "own order": "own order"}
    lines = [
        "| | " + " | ".join(COLUMNS) + " |",
        "|---|" + "|".join(":-:" for _column in COLUMNS) + "|",
    ]
    for name, cells in rows:
        lines.append(f"| `{name}` | " + " | ".join(marks[cells[c]] for c in COLUMNS) + " |")
    return "\n".join(lines) + "\n"
