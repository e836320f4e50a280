"""One scalar read from a JSON document in SQL, spelled for each database.

The reports read the few document fields a projection column does not hold,
and the purge asks whether a document has a sealed part; both compare the
value as text, the same on every database.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from servicedesk.adapters.sql.bulk.json_paths import dollar
from servicedesk.adapters.sql.bulk.json_values import MYSQL


class json_scalar(FunctionElement[str]):
    """The scalar at ``document.key.key...`` as SQL text; JSON null and a missing key are NULL.

    Booleans and numbers come out as text on every database (``true``, ``3``), so
    that one comparison means the same on all of them.
    """

    type = sa.String()
    inherit_cache = True
    # the path is written into the SQL, so it is part of the statement's cache key
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy reads it from the class
        *FunctionElement._traverse_internals,
        ("path", InternalTraversal.dp_plain_obj),
    ]

    def __init__(self, document: Any, *path: str) -> None:
        if not all(key.isidentifier() for key in path):
            raise ValueError(f"not a field name: {path!r}")
        self.path = path
        super().__init__(document)


def _document(compiler: SQLCompiler, element: json_scalar, **kw: Any) -> str:
    [document] = element.clauses
    return compiler.process(document, **kw)


@compiles(json_scalar, "sqlite")
def _scalar_sqlite(element: json_scalar, compiler: SQLCompiler, **kw: Any) -> str:
    document = _document(compiler, element, **kw)
    path = dollar(element.path)
    # json_extract gives 1 for true: json_type tells a boolean from a number
    return (
        f"CASE json_type({document}, {path}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' "
        f"ELSE CAST(json_extract({document}, {path}) AS TEXT) END"
    )


@compiles(json_scalar, "postgresql")
def _scalar_pg(element: json_scalar, compiler: SQLCompiler, **kw: Any) -> str:
    document = _document(compiler, element, **kw)
    *head, last = (f"'{key}'" for key in element.path)
    return f"({' -> '.join([document, *head])} ->> {last})"


@compiles(json_scalar, *MYSQL)
def _scalar_mysql(element: json_scalar, compiler: SQLCompiler, **kw: Any) -> str:
    document = _document(compiler, element, **kw)
    found = f"JSON_EXTRACT({document}, {dollar(element.path)})"
    return f"CASE WHEN JSON_TYPE({found}) = 'NULL' THEN NULL ELSE JSON_UNQUOTE({found}) END"
