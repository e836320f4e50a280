#!/usr/bin/env python3
"""Write docs/errors.md, the list of every error code, from the raise sites in the source.

Each ``raise SomeError(_("..."), code="area.what", name=value)`` in ``src/servicedesk`` is read
with ``ast``: its code (or its class's ``default_code``; ``NotFound(kind=...)`` makes
``kind.not_found``), its class (hence its category) and the parameters it names.  The page is
rebuilt from them, so a test comparing it with the file finds a code nobody documented.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "servicedesk"
PAGE = ROOT / "docs" / "errors.md"

#: What a code means, by its last part, unless the code is named below.
MEANINGS_BY_SUFFIX = {
    "invalid": "A value given is malformed, out of range or contradicts the record.",
    "illegal_transition": "The record is not in a state that allows the action.",
    "not_found": "No record of this kind has the id given.",
    "forbidden": "The actor may not do this to this record.",
    "approval_refused": "An approval came from the wrong role or out of the chain's order.",
    "policy_unusable": "A policy plugin returned something the core cannot use.",
    "consent_required": "The requester's recorded consent does not cover what was asked.",
    "not_orderable": "The service item is not published, so it cannot be ordered.",
}
MEANINGS = {
    "desk.refused": "A rule of the service desk refused what was asked.",
    "input.unknown_field": "The data names a field the command does not have.",
    "input.not_a_choice": "A value is none of the choices the field allows.",
    "money.currency_mismatch": "Two amounts in different currencies were combined.",
    "approval.refused": MEANINGS_BY_SUFFIX["approval_refused"],
    "permission.denied": "The actor lacks the role the action needs, or acts on others' records.",
    "permission.evidence_required": (
        "Staff gave a requester's own act without how he gave it and who witnessed it."
    ),
    "policy.unusable": MEANINGS_BY_SUFFIX["policy_unusable"],
    "plugin.refused": "A plugin fails to import or implements a hook wrongly.",
    "record.changed": "Another transaction changed the record first; retrying may succeed.",
    "idempotency.key_reused": "An idempotency key was reused with a different command.",
    "store.failed": "The store cannot do what was asked.",
    "store.unavailable": "The database cannot be reached or opened.",
    "store.misconfigured": "The store was named wrongly (URL, database kind, driver).",
    "store.schema_version": "The database's schema is not the one this version works with.",
    "store.busy": "Another writer holds the database longer than we wait; retry.",
    "relay.failed": "The broker refused the events or cannot be reached.",
    "cli.invalid": "The command line was given a file, path or value it cannot use.",
    "http.unauthenticated": "The HTTP request names no actor the embedding application vouches.",
    "http.not_json": "The body of an HTTP request is not JSON.",
    "http.body_too_long": "The body of an HTTP request is longer than the API takes.",
    "http.unknown_parameter": "An HTTP query names a parameter the query does not take.",
    "http.missing_parameter": "An HTTP query lacks a parameter the query needs.",
    "http.invalid_parameter": "An HTTP query parameter is not a value of its type.",
    "http.feed_for_staff": "A requester asked for the event feed, which holds everybody's events.",
    "request.outside_window": "Dispatch falls after the requester's expected window; call first.",
    "page.bad_cursor": "A list's cursor is malformed, edited, or from another list or sort.",
    "page.bad_limit": "A list's page size is not a whole number from 1 to 200.",
    "page.bad_sort": "A list was asked to sort on a field it does not sort on.",
    "staff.unqualified": "The person holds no valid certificate the item or the window requires.",
    "staff.untrained": "The person has passed no training yet and the policy wants it before duty.",
    "staff.off_duty": "The person is not on a rostered shift now (at that window, for a window).",
}


@dataclass
class Code:
    code: str
    classes: set[str] = field(default_factory=set)
    params: set[str] = field(default_factory=set)
    fields: set[str] = field(default_factory=set)


@dataclass
class ErrorClass:
    name: str
    bases: list[str]
    default_code: str | None
    category: str | None


def error_classes() -> dict[str, ErrorClass]:
    """Every class below ``ServiceDeskError`` in the source, with its own code and category."""
    found: dict[str, ErrorClass] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            own: dict[str, str] = {}
            for item in node.body:
                target = (
                    item.targets[0]
                    if isinstance(item, ast.Assign)
                    else getattr(item, "target", None)
                )
                value = getattr(item, "value", None)
                if isinstance(target, ast.Name) and isinstance(value, ast.Constant):
                    own[target.id] = str(value.value)
            bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
            found[node.name] = ErrorClass(
                node.name, bases, own.get("default_code"), own.get("category")
            )
    errors = {"ServiceDeskError": found["ServiceDeskError"]}
    changed = True
    while changed:
        changed = False
        for name, cls in found.items():
            if name not in errors and any(b in errors for b in cls.bases):
                errors[name] = cls
                changed = True
    return errors


def _inherited(errors: dict[str, ErrorClass], name: str, attribute: str) -> str:
    cls = errors[name]
    value = getattr(cls, attribute)
    if value is not None:
        return str(value)
    return next(_inherited(errors, b, attribute) for b in cls.bases if b in errors)


def _is_not_found(errors: dict[str, ErrorClass], name: str) -> bool:
    return name == "NotFound" or any(
        _is_not_found(errors, b) for b in errors[name].bases if b in errors
    )


def kinds() -> list[str]:
    """The record kinds the repositories name (``kind, label = N_("request"), ...``)."""
    pattern = re.compile(r'kind, label = (?:N_\()?"([a-z_]+)"')
    return sorted(
        {m for p in SOURCE.rglob("*.py") for m in pattern.findall(p.read_text(encoding="utf-8"))}
    )


def codes() -> dict[str, Code]:
    errors = error_classes()
    found: dict[str, Code] = {}

    def note(code: str, cls: str, params: set[str], fields: set[str]) -> None:
        entry = found.setdefault(code, Code(code))
        entry.classes.add(cls)
        entry.params |= params
        entry.fields |= fields

    for name in errors:
        note(_inherited(errors, name, "default_code"), name, set(), set())
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = getattr(func, "id", getattr(func, "attr", ""))
            if name not in errors:
                continue
            keywords = {k.arg: k.value for k in node.exc.keywords if k.arg}
            kind_node = (
                keywords.pop("kind") if _is_not_found(errors, name) and "kind" in keywords else None
            )
            params = set(keywords) - {"code", "field"}
            fields = {
                str(v.value)
                for k, v in keywords.items()
                if k == "field" and isinstance(v, ast.Constant)
            }
            code_node = keywords.get("code")
            if isinstance(code_node, ast.Constant):
                note(str(code_node.value), name, params, fields)
            elif isinstance(kind_node, ast.Constant):
                note(f"{kind_node.value}.not_found", name, params, fields)
            elif kind_node is not None:
                for kind in kinds():
                    note(f"{kind}.not_found", name, params, fields)
            else:
                note(_inherited(errors, name, "default_code"), name, params, fields)
    return found


def meaning(code: str) -> str | None:
    return MEANINGS.get(code) or MEANINGS_BY_SUFFIX.get(code.rsplit(".", 1)[-1])


def render() -> str:
    errors = error_classes()
    lines = [
        "# Error codes",
        "",
        "Every `ServiceDeskError` carries a stable `code`, the `params` its message names (ids,",
        "statuses as their codes, amounts as decimal strings; never personal data), the `field`",
        "refused where one value is to blame, and a `category` an adapter maps to a reply:",
        "",
        "| category | meaning | HTTP |",
        "|---|---|---|",
        "| `invalid` | the input is malformed or out of range | 422 |",
        "| `not_found` | a record named by id does not exist | 404 |",
        "| `conflict` | the record's state or another writer is in the way | 409 |",
        "| `forbidden` | the actor may not do this | 403 |",
        "| `unavailable` | the store, a broker or a plugin cannot serve | 503 |",
        "| `refused` | a rule of the desk refuses it | 422 |",
        "",
        "`error.to_dict()` gives all of them as JSON-ready data:",
        "",
        "```python",
        "from servicedesk import IllegalTransition",
        "",
        "error = IllegalTransition(",
        '    "Request {id} is {status}.",',
        '    code="request.illegal_transition",',
        '    id="SR-1",',
        '    status="closed",',
        ")",
        "assert error.to_dict() == {",
        '    "code": "request.illegal_transition",',
        '    "category": "conflict",',
        '    "message": "Request SR-1 is closed.",',
        '    "params": {"id": "SR-1", "status": "closed"},',
        '    "field": None,',
        "}",
        "```",
        "",
        "This page is written by `scripts/error_codes.py` from the raise sites; a test fails when",
        "it differs from them.",
        "",
        "| code | category | meaning | parameters | raised as |",
        "|---|---|---|---|---|",
    ]
    for code, entry in sorted(codes().items()):
        categories = sorted({_inherited(errors, c, "category") for c in entry.classes})
        params = ", ".join(f"`{p}`" for p in sorted(entry.params)) or "-"
        if entry.fields:
            params += " (field: " + ", ".join(f"`{f}`" for f in sorted(entry.fields)) + ")"
        lines.append(
            f"| `{code}` | {', '.join(categories)} | {meaning(code)} | {params} "
            f"| {', '.join(sorted(entry.classes))} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    PAGE.write_text(render(), encoding="utf-8")
    sys.exit(0)
