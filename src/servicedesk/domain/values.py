"""Small frozen values shared by the aggregates: ids, people, time."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Self, TypeVar

import attrs

from servicedesk.domain.errors import InvalidValue
from servicedesk.i18n import N_, _

#: Letters, digits and ``. _ : -``, starting with a letter or digit, matched as a whole
#: (``$`` would let a final newline through).
_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def _identifier(value: str | Identifier, made: Any) -> str:
    """The checked text of an id; an id of the same kind is taken as it is, another kind refused.

    So every id class is its own converter: ``ItemId("i-1")`` and
    ``ItemId(item_id)`` both give an ``ItemId``, and commands take ids as plain
    strings too (``TriageRequest(request_id="r-1", item_id="i-1")``, JSON from a UI).
    """
    if isinstance(value, Identifier):
        if type(value) is type(made):
            return value.value
        raise InvalidValue(
            _("{value} is a {kind}, not a {wanted}."),
            code="input.invalid",
            value=value.value,
            kind=type(value).__name__,
            wanted=type(made).__name__,
        )
    if not isinstance(value, str) or not _ID_PATTERN.fullmatch(value):
        raise InvalidValue(
            _("{value!r} is not a valid identifier (letters, digits and . _ : -)."),
            code="input.invalid",
            value=value,
        )
    return value


@attrs.frozen
class Identifier:
    """A typed id: a ``RequestId`` is never mistaken for an ``ItemId``."""

    # mypy's attrs plugin does not read a Converter taking self: callers see ``value: Any``.
    value: str = attrs.field(converter=attrs.Converter(_identifier, takes_self=True))  # type: ignore[misc]

    #: The longest id of this kind a caller may give.  Ids are stored up to 64
    #: characters; 16 are left for the ids derived from them (``<account>:<period>``,
    #: ``<charge>:rev``, ``found_item:<id>``), which themselves may be given back whole.
    longest_given: ClassVar[int] = 48

    def __str__(self) -> str:
        return self.value

    @classmethod
    def stored(cls, value: str) -> Self:
        """The id a store read back: checked when it was written, so not checked again (a
        page of rows makes hundreds, and the check is most of an id's cost)."""
        made = object.__new__(cls)
        object.__setattr__(made, "value", value)
        return made

    def __deepcopy__(self, memo: dict[int, Any]) -> Identifier:
        """Frozen, so its own copy: store snapshots copy thousands of ids as keys."""
        return self


@attrs.frozen
class RequestId(Identifier):
    """Identifies a service request."""


@attrs.frozen
class ItemId(Identifier):
    """Identifies a service item of the catalogue."""


@attrs.frozen
class WorkerId(Identifier):
    """Identifies a worker or contractor who carries out work orders."""


@attrs.frozen
class WorkOrderId(Identifier):
    """Identifies one dispatch of a request."""


@attrs.frozen
class ActorId(Identifier):
    """Identifies a member of staff (or the system) acting on the desk."""


def aware(value: datetime, what: str = "time") -> datetime:
    """Refuse naive datetimes: a time without a zone is a future bug."""
    if not isinstance(value, datetime):
        raise InvalidValue(
            _("The {what} must be a date and time."), code="input.invalid", what=_(what)
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(
            _("The {what} {value} has no time zone; give an aware date and time."),
            code="input.invalid",
            what=_(what),
            value=value.isoformat(),
        )
    return value


#: The names of the times a period is made of, for the message of a refusal.
PERIOD_ENDS = (N_("start"), N_("end"))


def _aware_field(_instance: Any, attribute: attrs.Attribute[Any], value: datetime) -> None:
    aware(value, attribute.name.replace("_", " "))


def check_text(value: object, what: str, max_length: int = 500) -> str:
    """Non-blank text of bounded length, or an error naming ``what``."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(_("The {what} must not be empty."), code="input.invalid", what=_(what))
    if len(value) > max_length:
        raise InvalidValue(
            _("The {what} is longer than {n} characters."),
            code="input.invalid",
            what=_(what),
            n=max_length,
        )
    return value.strip()


def required_text(what: str, max_length: int = 500) -> Any:
    """An attrs validator: non-blank text of bounded length, named in the error."""

    def check(_instance: Any, _attribute: attrs.Attribute[Any], value: str) -> None:
        check_text(value, what, max_length)

    return check


@attrs.frozen
class TimeWindow:
    """A span of time, such as the requester's expected visit."""

    start: datetime = attrs.field(validator=_aware_field)
    end: datetime = attrs.field(validator=_aware_field)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidValue(_("A time window must end after it starts."), code="input.invalid")

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end


_PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,19}$")


def mask(text: str, keep: int = 1) -> str:
    """Hide personal data in reprs, logs and exports: keep a hint, star the rest."""
    if len(text) <= keep:
        return "*" * len(text)
    return text[:keep] + "*" * (len(text) - keep)


def mask_phone(phone: str) -> str:
    digits = phone.replace(" ", "").replace("-", "")
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def _phone(_instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not _PHONE.match(value.strip()):
        raise InvalidValue(
            _("A contact phone number is required (digits, spaces, dashes, optional +)."),
            field=attribute.name,
            code="input.invalid",
        )


@attrs.frozen
class Contact:
    """How to reach the requester; at least a phone number is required."""

    phone: str = attrs.field(validator=_phone, repr=mask_phone)


E = TypeVar("E", bound=StrEnum)


class NotAChoice(InvalidValue, ValueError):
    """A value that is none of an enumeration's members (a ``ValueError`` too, as Enum's is)."""

    default_code = "input.not_a_choice"


class Choice(StrEnum):
    """An enumeration whose class, used as a converter, refuses a stranger with a typed error."""

    @classmethod
    def _missing_(cls, value: object) -> None:
        raise NotAChoice(
            _("{value!r} is not one of: {choices}."),
            value=value if isinstance(value, str) and len(value) <= 40 else type(value).__name__,
            choices=", ".join(member.value for member in cls),
        )


def as_tuple(value: Any) -> Any:
    """The items of ``value`` as a tuple; one text or a non-collection is left as it is.

    A converter for fields holding several values: a text is not split into its
    letters, and whatever is not a collection reaches the door unchanged, where it
    is refused with the field's name.
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return value
    return tuple(value)


def as_frozenset(value: Any) -> Any:
    """Like ``as_tuple``, for a set of values; an unhashable item is left for the door."""
    items = as_tuple(value)
    if not isinstance(items, tuple):
        return items
    try:
        return frozenset(items)
    except TypeError:
        return items


def choice(enum: type[E], value: object, what: str) -> E:
    """A member of ``enum`` by value, or an error that lists the choices."""
    try:
        return enum(str(value)) if isinstance(value, str) else enum(value)  # type: ignore[arg-type]
    except ValueError:
        raise InvalidValue(
            _("{value!r} is not a known {what}; choose one of: {choices}."),
            code="input.invalid",
            value=value,
            what=_(what),
            choices=", ".join(m.value for m in enum),
        ) from None


class RequesterKind(Choice):
    OWNER = "owner"
    TENANT = "tenant"
    PUBLIC = "public"


@attrs.frozen
class Requester:
    """Who asks: owner, tenant or member of the public.  Personal data: masked in repr."""

    name: str = attrs.field(validator=required_text("requester name", 100), repr=mask)
    unit: str = attrs.field(validator=required_text("unit", 50), repr=lambda u: mask(u, 2))
    contact: Contact
    kind: RequesterKind = RequesterKind.OWNER


class Role(Choice):
    """Roles of the people at a service desk (rule staff.roles).

    ``REQUESTER`` is the owner, tenant or member of the public acting for
    themselves through the embedding application (an app or WeChat login that
    application vouches for); ``SYSTEM`` is the embedding application acting for
    a member of staff it has authenticated (rule records.system-actor).
    """

    CLERK = "clerk"
    ASSISTANT = "assistant"
    WORKER = "worker"
    CONTRACTOR = "contractor"
    CASHIER = "cashier"
    DEPARTMENT_HEAD = "department_head"
    CENTRE_MANAGER = "centre_manager"
    BRANCH_MANAGER = "branch_manager"
    AUDITOR = "auditor"
    REQUESTER = "requester"
    SYSTEM = "system"


#: The roles of people who carry out work orders: they act on their own orders only.
FIELD_ROLES = frozenset({Role.WORKER, Role.CONTRACTOR})


def _roles(value: object) -> frozenset[Role]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise InvalidValue(_("An actor's roles are a set of roles."), code="input.invalid")
    return frozenset(choice(Role, r, "role") for r in value)


def _record_ids(value: object) -> frozenset[str]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise InvalidValue(
            _("The records a requester acts for are a set of ids."),
            field="acts_for",
            code="input.invalid",
        )
    return frozenset(Identifier(str(v)).value for v in value)


@attrs.frozen
class Actor:
    """Someone acting on the desk, with the roles they hold.

    A member of staff is named by an id of the embedding application's own; a
    worker or contractor acts under the id he is registered with
    (``RegisterWorker(worker_id=...)``), which is how a work order names him.
    A requester (``Actor.requester``) carries ``acts_for``: the ids of the
    requests and accounts the embedding application has verified are his, so
    that no name or phone is needed to bind him to his own records.
    """

    id: ActorId
    name: str = attrs.field(validator=required_text("actor name", 100))
    roles: frozenset[Role] = attrs.field(converter=_roles)
    acts_for: frozenset[str] = attrs.field(default=frozenset(), converter=_record_ids)

    @classmethod
    def system(cls) -> Actor:
        """The embedding application itself: only what a scheduler or a kiosk may do."""
        return cls(ActorId("system"), "system", frozenset([Role.SYSTEM]))

    @classmethod
    def requester(
        cls, actor_id: ActorId | str, name: str, *, acts_for: Iterable[Identifier | str]
    ) -> Actor:
        """A requester acting for himself, on the requests and accounts ``acts_for`` names."""
        return cls(ActorId(actor_id), name, frozenset([Role.REQUESTER]), acts_for)

    def has(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_requester(self) -> bool:
        """Whether the actor acts as a requester only, not as staff."""
        return self.roles == {Role.REQUESTER}

    def may_act_for(self, *ids: Identifier | str | None) -> bool:
        """Whether one of ``ids`` (a request, its account) is among the records he acts for."""
        return any(i is not None and str(i) in self.acts_for for i in ids)


class EvidenceChannel(Choice):
    """How a requester gave consent, acceptance or a signature that staff record."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    APP = "app"
    SMS = "sms"


@attrs.frozen
class RequesterEvidence:
    """The requester's word recorded by staff: how it was given, and who witnessed it.

    ``witnessed_by`` is a member of staff (by id, never a name); rule
    requests.requesters-own-acts.
    """

    given: EvidenceChannel = attrs.field(converter=EvidenceChannel)
    witnessed_by: ActorId = attrs.field(converter=ActorId)
