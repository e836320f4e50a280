"""Refusals as RFC 9457 problem documents: ``ServiceDeskError.to_dict()`` and an HTTP status.

The document carries the error's ``code``, ``category``, ``params`` and
``field`` beside RFC 9457's ``type``, ``title``, ``status`` and ``detail``
(the message, in the request's language), so a client chooses its reaction by
``code`` and shows ``detail`` to a person.
"""

from __future__ import annotations

from typing import Any, Final

from servicedesk.domain.errors import Category, ServiceDeskError

PROBLEM_JSON: Final = "application/problem+json"

#: A category's status; a rule's refusal of a well-formed command is 422, as bad input is.
STATUS: Final[dict[Category, int]] = {
    "invalid": 422,
    "not_found": 404,
    "conflict": 409,
    "forbidden": 403,
    "unavailable": 503,
    "refused": 422,
}

#: Codes whose status is not their category's: nobody said who is calling.
UNAUTHENTICATED: Final = "http.unauthenticated"

#: Codes a client may send again unchanged (with the same idempotency key) and expect to pass.
RETRYABLE: Final = frozenset({"record.changed", "store.busy", "store.unavailable"})

#: The HTTP statuses a problem document is sent with, and what each means, for OpenAPI.
DESCRIBED: Final[dict[int, str]] = {
    400: "The body is not JSON, or a query parameter is missing (http.bad_request).",
    401: "No actor: the request says nobody the embedding application vouches for.",
    403: "The actor may not do this (permission.denied and its kin).",
    404: "A record named by id does not exist (<kind>.not_found), or no such route.",
    409: "The record's state forbids it, or it changed under the command (retryable).",
    422: "A value was refused at the door, or a rule refused the command.",
    503: "The store is unavailable or busy (retryable).",
}

TITLES: Final[dict[int, str]] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    422: "Unprocessable Content",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def status_of(error: ServiceDeskError) -> int:
    if error.code == UNAUTHENTICATED:
        return 401
    return STATUS.get(error.category, 422)


def problem(error: ServiceDeskError) -> tuple[int, dict[str, Any]]:
    """The status and the problem document of ``error``."""
    status = status_of(error)
    return status, document(status, error.to_dict())


def document(status: int, report: dict[str, Any]) -> dict[str, Any]:
    """RFC 9457's members around an error report (``ServiceDeskError.to_dict``)."""
    return {
        "type": f"urn:servicedesk:error:{report['code']}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": report["message"],
        **report,
        "retryable": report["code"] in RETRYABLE,
    }
