"""The OpenAPI 3.1 document of the HTTP API, from the command and view types themselves.

A schema describes a value as ``servicedesk.convert`` writes and reads it (the
wire format), which is not the Python type's shape: an id travels as a string
(``RequestId`` -> ``"r-1"``), money as ``{"amount": "12.50", "currency": "CNY"}``
with the amount a string of two decimals, a duration as decimal seconds, an
enumeration as its values.  Bodies (what a caller sends) carry the door's bounds
(``Limits``); views (what the desk answers) carry none the door does not impose on them.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from servicedesk.app.desk import Desk
from servicedesk.app.door import Limits
from servicedesk.domain import events as domain_events
from servicedesk.domain.events import Event
from servicedesk.domain.money import Money
from servicedesk.domain.values import Identifier
from servicedesk.http.problems import DESCRIBED, PROBLEM_JSON
from servicedesk.http.routes import commands, queries

ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
DECIMAL_PATTERN: Final = r"^-?[0-9]+(\.[0-9]+)?$"
#: What a caller may send as an amount (the desk keeps it to the fen), and what it answers.
AMOUNT_IN: Final = r"^-?[0-9]+(\.[0-9]{1,2})?$"
AMOUNT_OUT: Final = r"^-?[0-9]+\.[0-9]{2}$"
TIME_PATTERN: Final = r"^[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$"
ERROR_STATUSES: Final = (400, 401, 403, 404, 409, 422, 503)


def _is_union(tp: Any) -> bool:
    return isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union


class Schemas:
    """JSON Schemas of wire values, attrs classes placed once each under ``components``."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.components: dict[str, dict[str, Any]] = {}
        self._names: dict[tuple[type, bool], str] = {}

    def of(self, tp: Any, inbound: bool) -> dict[str, Any]:
        if tp is Any or tp is object:
            return {}
        if tp is None or tp is type(None):
            return {"type": "null"}
        if typing.get_origin(tp) is typing.Literal:
            return {"enum": list(typing.get_args(tp))}
        if _is_union(tp):
            members = [self.of(m, inbound) for m in typing.get_args(tp)]
            return {"anyOf": members}
        origin = typing.get_origin(tp)
        if origin is not None:
            return self._generic(tp, origin, inbound)
        if not isinstance(tp, type):
            return {}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            if inbound:
                most = self.limits.largest_count
                return {"type": "integer", "minimum": -most, "maximum": most}
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is str:
            return (
                {"type": "string", "maxLength": self.limits.longest_text}
                if inbound
                else {"type": "string"}
            )
        if issubclass(tp, Enum):
            return {"type": "string", "enum": [str(m.value) for m in tp]}
        if issubclass(tp, Identifier):
            longest = tp.longest_given if inbound else 64
            return {"type": "string", "pattern": ID_PATTERN, "maxLength": longest}
        if tp is Decimal:
            return {"type": "string", "pattern": DECIMAL_PATTERN}
        if tp is Money:
            return self._money(inbound)
        if issubclass(tp, datetime):
            return {"type": "string", "format": "date-time"}
        if issubclass(tp, date):
            return {"type": "string", "format": "date"}
        if tp is time:
            return {"type": "string", "pattern": TIME_PATTERN}
        if tp is timedelta:
            return {"type": "string", "pattern": DECIMAL_PATTERN, "description": "seconds"}
        if tp is ZoneInfo:
            return {"type": "string", "description": "an IANA time zone (Asia/Shanghai)"}
        if tp is Event or (issubclass(tp, Event) and not attrs.has(tp)):
            return self._ref("Event", self._event)
        if attrs.has(tp):
            return self._attrs(tp, inbound)
        return {}

    def _generic(self, tp: Any, origin: Any, inbound: bool) -> dict[str, Any]:
        args = typing.get_args(tp)
        if origin is typing.ClassVar:
            return {}
        if origin is tuple and args and args[-1] is not Ellipsis:
            items = [self.of(a, inbound) for a in args]
            return {"type": "array", "prefixItems": items, "minItems": len(items)}
        if isinstance(origin, type) and issubclass(origin, Mapping):
            value = self.of(args[1], inbound) if len(args) == 2 else {}
            return {"type": "object", "additionalProperties": value}
        if isinstance(origin, type) and issubclass(origin, Iterable | AbstractSet | Sequence):
            return {"type": "array", "items": self.of(args[0], inbound) if args else {}}
        return {}

    def _money(self, inbound: bool) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            return {
                "type": "object",
                "description": "An exact amount, as a string of two decimals, in a currency.",
                "properties": {
                    "amount": {"type": "string", "pattern": AMOUNT_IN if inbound else AMOUNT_OUT},
                    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                },
                "required": ["amount"] if inbound else ["amount", "currency"],
                "additionalProperties": False,
            }

        return self._ref("Money" if inbound else "MoneyView", build)

    def _event(self) -> dict[str, Any]:
        names = sorted(domain_events.all_event_types())
        return {
            "type": "object",
            "description": "An event: its class name under 'type', its fields beside it.",
            "properties": {"type": {"type": "string", "enum": names}},
            "required": ["type"],
        }

    def _ref(self, name: str, build: typing.Callable[[], dict[str, Any]]) -> dict[str, Any]:
        if name not in self.components:
            self.components[name] = {}  # a class that holds itself refers to its own name
            self.components[name] = build()
        return {"$ref": f"#/components/schemas/{name}"}

    def name_of(self, cls: type, inbound: bool) -> str:
        found = self._names.get((cls, inbound))
        if found is None:
            found = cls.__name__
            taken = set(self._names.values())
            if found in taken:
                found += "In" if inbound else "View"
            while found in taken:
                found = f"{cls.__module__.rsplit('.', 1)[-1]}_{found}"
            self._names[(cls, inbound)] = found
        return found

    def _attrs(self, cls: type, inbound: bool) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            hints = typing.get_type_hints(cls)
            fields = [
                f
                for f in attrs.fields(cls)
                if not (f.name == "events" and _is_aggregate(cls)) and (f.init or not inbound)
            ]
            properties = {f.name: self.of(hints.get(f.name, Any), inbound) for f in fields}
            required = [f.name for f in fields if f.default is attrs.NOTHING or not inbound]
            schema: dict[str, Any] = {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            }
            doc = inspect.getdoc(cls)
            if doc and doc != inspect.getdoc(cls.__mro__[1]):
                schema["description"] = doc
            return schema

        return self._ref(self.name_of(cls, inbound), build)


def _is_aggregate(cls: type) -> bool:
    """Aggregates keep their pending events in ``events``, which the converter leaves out."""
    return not issubclass(cls, Event)


def _problems() -> dict[str, Any]:
    return {
        str(status): {
            "description": text,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status, text in DESCRIBED.items()
    }


PROBLEM_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "description": "RFC 9457 problem details, with the error's code, params and field.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "pattern": r"^[a-z_]+(\.[a-z_]+)+$"},
        "category": {
            "type": "string",
            "enum": ["invalid", "not_found", "conflict", "forbidden", "unavailable", "refused"],
        },
        "message": {"type": "string"},
        "params": {
            "type": "object",
            "additionalProperties": {"type": ["string", "integer", "number", "boolean", "null"]},
        },
        "field": {"type": ["string", "null"]},
        "retryable": {"type": "boolean"},
    },
    "required": ["type", "title", "status", "code", "category", "message", "params", "field"],
}

ACCEPT_LANGUAGE: Final[dict[str, Any]] = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "description": "The language of a refusal's message: zh-CN or en (the default).",
    "schema": {"type": "string"},
}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): {"$ref": f"#/components/responses/Problem{s}"} for s in statuses}


def openapi_document(desk: Desk) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``create_app(desk)``: every command, query and error."""
    schemas = Schemas(desk.limits)
    paths: dict[str, Any] = {}
    key_header = {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Sent again with the same command, it is carried out once.",
        "schema": {"type": "string", "pattern": ID_PATTERN, "maxLength": 64},
    }
    outcome = {
        "type": "object",
        "properties": {
            "id": {"type": ["string", "null"]},
            "events": {"type": "array", "items": schemas.of(Event, False)},
        },
        "required": ["id", "events"],
        "additionalProperties": False,
    }
    schemas.components["Outcome"] = outcome
    for name, cls in commands(desk).items():
        paths[f"/commands/{name}"] = {
            "post": {
                "operationId": name,
                "tags": [cls.__module__.split(".")[-2]],
                "summary": (inspect.getdoc(cls) or name).splitlines()[0] if cls.__doc__ else name,
                "parameters": [key_header, ACCEPT_LANGUAGE],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": schemas.of(cls, True)}},
                },
                "responses": {
                    "200": {
                        "description": "Carried out (or replayed under its idempotency key).",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Outcome"}}
                        },
                    },
                    **_errors(*ERROR_STATUSES),
                },
            }
        }
    for query in queries(desk).values():
        parameters = [
            {
                "name": p.name,
                "in": "query",
                "required": p.required,
                "schema": schemas.of(p.wire, True),
            }
            for p in query.parameters
        ]
        paths[f"/queries/{query.name}"] = {
            "get": {
                "operationId": query.name,
                "tags": [query.name.split(".")[0]],
                "summary": query.doc.splitlines()[0] if query.doc else query.name,
                "parameters": [*parameters, ACCEPT_LANGUAGE],
                "responses": {
                    "200": {
                        "description": "The answer.",
                        "content": {
                            "application/json": {"schema": schemas.of(query.returns, False)}
                        },
                    },
                    **_errors(*ERROR_STATUSES),
                },
            }
        }
    paths["/events"] = {
        "get": {
            "operationId": "events",
            "tags": ["feed"],
            "summary": "Committed events past a position, in commit order, a page at a time.",
            "parameters": [
                {"name": "after", "in": "query", "required": False, "schema": {"type": "string"}},
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 10_000, "default": 100},
                },
                ACCEPT_LANGUAGE,
            ],
            "responses": {
                "200": {
                    "description": "A page; ask again from 'after'.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/FeedPage"}}
                    },
                },
                **_errors(*ERROR_STATUSES),
            },
        }
    }
    schemas.components["FeedPage"] = {
        "type": "object",
        "properties": {
            "events": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "position": {"type": "string"},
                        "event": schemas.of(Event, False),
                    },
                    "required": ["position", "event"],
                },
            },
            "after": {"type": "string"},
        },
        "required": ["events", "after"],
    }
    paths["/health"] = {
        "get": {
            "operationId": "health",
            "tags": ["service"],
            "summary": "Whether the server answers; open to anyone.",
            "security": [],
            "responses": {
                "200": {
                    "description": "It answers.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"status": {"const": "ok"}},
                                "required": ["status"],
                            }
                        }
                    },
                }
            },
        }
    }
    schemas.components["Problem"] = PROBLEM_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "servicedesk",
            "version": _version(),
            "description": "Every command and query of a service desk, over HTTP (docs/http.md).",
        },
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.components.items())),
            "responses": {f"Problem{s}": r for s, r in _problems().items()},
        },
    }


def _version() -> str:
    from servicedesk import __version__

    return __version__
