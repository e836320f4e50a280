"""Typed errors of the domain.

Every refusal raised by servicedesk is a ``ServiceDeskError`` whose message a
desk clerk can read.  Messages never carry personal data (names, phones): they
name records by id only, so they are safe in logs.

Each error also carries what a program needs to choose a reaction without
reading the sentence: a stable ``code`` (``request.illegal_transition``), the
``params`` named in the message as plain values (ids, statuses as their codes,
amounts as decimal strings), the ``field`` refused, and the class's
``category`` (``invalid``, ``not_found``, ``conflict``, ``forbidden``,
``unavailable`` or ``refused``).  A raise site gives the message template, the
code and the values once::

    raise IllegalTransition(
        _("Request {id} is {status}; it cannot be {action}."),
        code="request.illegal_transition", id=self.id, status=self.status, action=action,
    )

The message is the template filled with the values as a clerk reads them (a
status by its translated label); ``docs/errors.md`` lists every code.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from string import Formatter
from typing import Any, ClassVar, Final, Literal

import attrs
import cattrs

Category = Literal["invalid", "not_found", "conflict", "forbidden", "unavailable", "refused"]
CATEGORIES: Final[tuple[Category, ...]] = (
    "invalid",
    "not_found",
    "conflict",
    "forbidden",
    "unavailable",
    "refused",
)

#: A parameter's value as a program reads it: JSON's scalars only.
Param = str | int | float | bool | None


def param_value(value: object) -> Param:
    """``value`` as a program reads it: an enum member by its code, an amount as a string."""
    if isinstance(value, Enum):
        return param_value(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    amount, currency = getattr(value, "amount", None), getattr(value, "currency", None)
    if isinstance(amount, Decimal) and isinstance(currency, str):  # Money, without importing it
        return str(amount)
    return str(value)


def _shown(value: object) -> object:
    """``value`` as a clerk reads it in the message: an enum member by its translated label."""
    if isinstance(value, Enum):
        from servicedesk.i18n import label

        return label(value)
    return value


class _Lenient(dict[str, object]):
    """Keeps a placeholder that was given no value, so a message is never lost to a KeyError."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, values: Mapping[str, object]) -> str:
    try:
        return Formatter().vformat(template, (), _Lenient(values))
    except (ValueError, IndexError, AttributeError, TypeError):  # not a template after all
        return template


@attrs.frozen
class ErrorReport:
    """What a UI or an HTTP API shows of an error, as plain data (see ``to_dict``)."""

    code: str
    category: Category
    message: str
    params: dict[str, Param]
    field: str | None


class ServiceDeskError(Exception):
    """Base class: a rule of the service desk refused what was asked.

    ``field`` names the value refused, as a path into the command
    (``requester.contact.phone``), where one value is to blame.  ``code`` is the
    stable name of the refusal (the class's ``default_code`` when the raise site
    gives none); every other keyword is a value named in ``message``, which is
    filled in from them (and from ``field``) when any is given.
    """

    default_code: ClassVar[str] = "desk.refused"
    category: ClassVar[Category] = "refused"

    def __init__(
        self, message: str = "", *, field: str | None = None, code: str | None = None, **params: Any
    ) -> None:
        if params or field is not None:
            shown = {name: _shown(value) for name, value in params.items()}
            shown.setdefault("field", field)
            message = _fill(message, shown)
        super().__init__(message)
        self.field = field
        self.code: str = code or self.default_code
        self.params: dict[str, Param] = {name: param_value(value) for name, value in params.items()}

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def report(self) -> ErrorReport:
        return ErrorReport(self.code, self.category, self.message, dict(self.params), self.field)

    def to_dict(self) -> dict[str, Any]:
        """``code``, ``category``, ``message``, ``params`` and ``field``, ready for JSON."""
        result: dict[str, Any] = cattrs.unstructure(self.report())
        return result


class InvalidValue(ServiceDeskError):
    """A value is malformed or out of range (an amount, a phone, a deadline)."""

    default_code = "input.invalid"
    category: ClassVar[Category] = "invalid"


class NotFound(ServiceDeskError):
    """A record named by id does not exist; ``kind="request"`` makes ``request.not_found``."""

    default_code = "record.not_found"
    category: ClassVar[Category] = "not_found"

    def __init__(
        self,
        message: str = "",
        *,
        kind: str | None = None,
        field: str | None = None,
        code: str | None = None,
        **params: Any,
    ) -> None:
        super().__init__(
            message, field=field, code=code or (f"{kind}.not_found" if kind else None), **params
        )


class IllegalTransition(ServiceDeskError):
    """The record is not in a state that allows the action."""

    default_code = "record.illegal_transition"
    category: ClassVar[Category] = "conflict"


class ConsentRequired(ServiceDeskError):
    """A change of scope or an extra fee lacks the requester's recorded consent."""

    default_code = "request.consent_required"
    category: ClassVar[Category] = "refused"


class NotOrderable(ServiceDeskError):
    """The service item is not published, so it cannot be ordered."""

    default_code = "catalogue.not_orderable"
    category: ClassVar[Category] = "refused"


class ApprovalRefused(ServiceDeskError):
    """An approval was given by the wrong role or out of the chain's order."""

    default_code = "approval.refused"
    category: ClassVar[Category] = "refused"


class PermissionDenied(ServiceDeskError):
    """The actor lacks the role the action requires, or acts on records not his own."""

    default_code = "permission.denied"
    category: ClassVar[Category] = "forbidden"


class EvidenceRequired(PermissionDenied):
    """Staff gave a requester's own act without recording how he gave it and who witnessed it."""

    default_code = "permission.evidence_required"


class PolicyError(ServiceDeskError):
    """A policy plugin returned something unusable; the core refuses to guess."""

    default_code = "policy.unusable"
    category: ClassVar[Category] = "unavailable"


class PluginRefused(PolicyError):
    """A plugin cannot be used: it fails to import, or implements a hook that does not exist
    or takes an argument its hook does not give.  ``plugin`` and ``hook`` name them.
    """

    default_code = "plugin.refused"

    def __init__(
        self,
        message: str,
        *,
        plugin: str,
        hook: str | None = None,
        code: str | None = None,
        **params: Any,
    ) -> None:
        super().__init__(message, code=code, plugin=plugin, hook=hook, **params)
        self.plugin = plugin
        self.hook = hook


class ConcurrencyConflict(ServiceDeskError):
    """Another transaction changed the record first; retrying may succeed."""

    default_code = "record.changed"
    category: ClassVar[Category] = "conflict"


class IdempotencyConflict(ServiceDeskError):
    """An idempotency key was reused with a different command."""

    default_code = "idempotency.key_reused"
    category: ClassVar[Category] = "conflict"


# --- storage -------------------------------------------------------------------------------------


class StoreError(ServiceDeskError):
    """The store cannot do what was asked: misconfigured, unreachable or incompatible."""

    default_code = "store.failed"
    category: ClassVar[Category] = "unavailable"


class StoreUnavailable(StoreError):
    """The database cannot be reached or opened (server down, wrong credentials)."""

    default_code = "store.unavailable"


class StoreConfigurationError(StoreError):
    """The store was named wrongly: a bad URL, an unknown database kind, a missing driver."""

    default_code = "store.misconfigured"


class SchemaVersionError(StoreError):
    """The database's schema is not the one this version of servicedesk works with."""

    default_code = "store.schema_version"


class StoreBusy(ConcurrencyConflict, StoreError):
    """Another writer holds the database longer than we wait; retrying may succeed."""

    default_code = "store.busy"
    category: ClassVar[Category] = "unavailable"


class RelayError(ServiceDeskError):
    """The broker a relay publishes the event feed to refused the events or cannot be reached."""

    default_code = "relay.failed"
    category: ClassVar[Category] = "unavailable"
