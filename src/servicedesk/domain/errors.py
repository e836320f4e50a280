"""Typed errors of the domain.

Every refusal raised by servicedesk is a ``ServiceDeskError`` whose message a
desk clerk can read.  Messages never carry personal data (names, phones): they
name records by id only, so they are safe in logs.
"""

from __future__ import annotations


class ServiceDeskError(Exception):
    """Base class: a rule of the service desk refused what was asked.

    ``field`` names the value refused, as a path into the command
    (``requester.contact.phone``), where one value is to blame.
    """

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class InvalidValue(ServiceDeskError):
    """A value is malformed or out of range (an amount, a phone, a deadline)."""


class NotFound(ServiceDeskError):
    """A record named by id does not exist."""


class IllegalTransition(ServiceDeskError):
    """The record is not in a state that allows the action."""


class ConsentRequired(ServiceDeskError):
    """A change of scope or an extra fee lacks the requester's recorded consent."""


class NotOrderable(ServiceDeskError):
    """The service item is not published, so it cannot be ordered."""


class ApprovalRefused(ServiceDeskError):
    """An approval was given by the wrong role or out of the chain's order."""


class PermissionDenied(ServiceDeskError):
    """The actor lacks the role the action requires, or acts on records not his own."""


class EvidenceRequired(PermissionDenied):
    """Staff gave a requester's own act without recording how he gave it and who witnessed it."""


class PolicyError(ServiceDeskError):
    """A policy plugin returned something unusable; the core refuses to guess."""


class PluginRefused(PolicyError):
    """A plugin cannot be used: it fails to import, or implements a hook that does not exist
    or takes an argument its hook does not give.  ``plugin`` and ``hook`` name them.
    """

    def __init__(self, message: str, *, plugin: str, hook: str | None = None) -> None:
        super().__init__(message)
        self.plugin = plugin
        self.hook = hook


class ConcurrencyConflict(ServiceDeskError):
    """Another transaction changed the record first; retrying may succeed."""


class IdempotencyConflict(ServiceDeskError):
    """An idempotency key was reused with a different command."""


# --- storage -------------------------------------------------------------------------------------


class StoreError(ServiceDeskError):
    """The store cannot do what was asked: misconfigured, unreachable or incompatible."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or opened (server down, wrong credentials)."""


class StoreConfigurationError(StoreError):
    """The store was named wrongly: a bad URL, an unknown database kind, a missing driver."""


class SchemaVersionError(StoreError):
    """The database's schema is not the one this version of servicedesk works with."""


class StoreBusy(ConcurrencyConflict, StoreError):
    """Another writer holds the database longer than we wait; retrying may succeed."""


class RelayError(ServiceDeskError):
    """The broker a relay publishes the event feed to refused the events or cannot be reached."""
