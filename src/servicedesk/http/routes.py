"""What the HTTP API serves, read off the library: its commands, its queries and their parameters.

Nothing here is written per command or per query: the commands are the wiring's
(``Desk.wiring.handlers``), the queries the desk's public query methods
(``Desk.query_names``), each query's parameters its signature's.  A command or
a query added to the library is served, and described, without a line here.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from typing import Any, Final

import attrs

from servicedesk import convert
from servicedesk.app.command import Command
from servicedesk.app.desk import Desk
from servicedesk.domain.errors import InvalidValue, ServiceDeskError
from servicedesk.domain.values import Identifier
from servicedesk.i18n import _

#: Parameters a query takes that no caller gives over HTTP: the actor is the request's.
NOT_FROM_THE_QUERY_STRING: Final = frozenset({"self", "actor"})


@attrs.frozen
class Parameter:
    """One parameter of a query, as a query-string parameter: its wire type and whether needed."""

    name: str
    wire: Any
    required: bool
    default: Any = None

    def parse(self, text: str) -> Any:
        """The value of ``text`` as the query method takes it, or ``InvalidValue`` naming it."""
        try:
            if self.wire is str:
                return text
            if self.wire is bool:
                if text not in ("true", "false"):
                    raise ValueError(text)
                return text == "true"
            if self.wire is int:
                return int(text)
            return convert.structure(text, self.wire)
        except (ValueError, TypeError, ServiceDeskError) as error:
            raise InvalidValue(
                _("The query parameter {field} is not a valid value."),
                field=self.name,
                code="http.invalid_parameter",
            ) from error


@attrs.frozen
class Query:
    """A query of the desk served as ``GET /queries/<name>``."""

    name: str
    method: Callable[..., Any]
    parameters: tuple[Parameter, ...]
    returns: Any
    doc: str


def wire_type(annotation: Any) -> Any:
    """The type a value travels as: ``RequestId | str`` as an id, ``X | None`` as ``X``."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        ids = [m for m in members if isinstance(m, type) and issubclass(m, Identifier)]
        if ids:  # ``RequestId | str`` travels as an id, checked as one
            return ids[0]
        if str in members:
            return str
        return wire_type(members[0]) if len(members) == 1 else members[0]
    return annotation


def commands(desk: Desk) -> dict[str, type[Command]]:
    """Every command the desk's wiring serves, by class name."""
    return {cls.__name__: cls for cls in desk.wiring.handlers}


def queries(desk: Desk) -> dict[str, Query]:
    """Every query the desk answers (``billing.account``), its parameters from its signature."""
    found: dict[str, Query] = {}
    for name in desk.query_names():
        area, _sep, method_name = name.partition(".")
        method = getattr(getattr(desk, area), method_name)
        hints = typing.get_type_hints(method)
        parameters = tuple(
            Parameter(
                p.name,
                wire_type(hints.get(p.name, str)),
                p.default is inspect.Parameter.empty,
                None if p.default is inspect.Parameter.empty else p.default,
            )
            for p in inspect.signature(method).parameters.values()
            if p.name not in NOT_FROM_THE_QUERY_STRING
            and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        )
        doc = inspect.getdoc(method) or ""
        found[name] = Query(name, method, parameters, hints.get("return", Any), doc)
    return found
