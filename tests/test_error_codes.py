"""Every error has a stable code, documented in docs/errors.md, and reports itself as data."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

import servicedesk
from servicedesk import convert
from servicedesk.domain.errors import (
    CATEGORIES,
    IllegalTransition,
    InvalidValue,
    NotFound,
    ServiceDeskError,
)
from servicedesk.domain.money import Money

ROOT = Path(__file__).resolve().parent.parent


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "error_codes", ROOT / "scripts" / "error_codes.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("error_codes", module)
    spec.loader.exec_module(module)
    return module


def _all_error_classes() -> set[type[ServiceDeskError]]:
    for info in pkgutil.walk_packages(servicedesk.__path__, "servicedesk."):
        if ".migrations" not in info.name:
            try:
                importlib.import_module(info.name)
            except ImportError:  # an optional extra (a broker's client) not installed
                continue
    found: set[type[ServiceDeskError]] = set()
    todo = [ServiceDeskError]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return {c for c in found if c.__module__.startswith("servicedesk.")}


def test_docs_errors_md_is_the_list_the_source_makes() -> None:
    script = _script()
    assert (ROOT / "docs" / "errors.md").read_text(encoding="utf-8") == script.render(), (
        "docs/errors.md is stale: run .venv/bin/python scripts/error_codes.py"
    )


def test_every_code_has_a_meaning() -> None:
    script = _script()
    unexplained = [code for code in script.codes() if script.meaning(code) is None]
    assert not unexplained, f"say what these mean in scripts/error_codes.py: {unexplained}"


def test_every_error_class_has_its_own_code_and_a_category() -> None:
    classes = _all_error_classes()
    assert len(classes) > 15
    without = [c.__name__ for c in classes if "default_code" not in vars(c)]
    assert not without, f"give these a default_code: {without}"
    assert all(c.category in CATEGORIES for c in classes)
    documented = _script().codes()
    assert {c.default_code for c in classes} <= set(documented)


def test_a_raise_site_gives_code_params_and_message() -> None:
    error = IllegalTransition(
        "Request {id} is {status}; it cannot be {action}.",
        code="request.illegal_transition",
        id="SR-1",
        status="closed",
        action="closed",
    )
    assert error.message == "Request SR-1 is closed; it cannot be closed."
    assert error.to_dict() == {
        "code": "request.illegal_transition",
        "category": "conflict",
        "message": "Request SR-1 is closed; it cannot be closed.",
        "params": {"id": "SR-1", "status": "closed", "action": "closed"},
        "field": None,
    }


def test_money_params_are_decimal_strings_and_currencies_must_match() -> None:
    with pytest.raises(InvalidValue) as caught:
        Money.of("1.00", "CNY") + Money.of("1.00", "USD")
    assert caught.value.code == "money.currency_mismatch"
    assert caught.value.params == {"a": "CNY", "b": "USD"}
    assert caught.value.category == "invalid"


def test_not_found_is_coded_by_its_kind() -> None:
    assert NotFound("No {what} {id}.", kind="request", what="x", id="SR-9").code == (
        "request.not_found"
    )
    assert NotFound("gone").code == "record.not_found"


def test_a_missing_placeholder_does_not_lose_the_message() -> None:
    assert InvalidValue("{a} and {b}", a=1).message == "1 and {b}"


_REGISTER = {
    "requester": {"name": "A", "contact": {"phone": "13800000000"}, "unit": "3-502"},
    "need": "tap",
    "channel": "hotline",
}


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({**_REGISTER, "extra": 1}, "input.unknown_field", "extra"),
        (
            {**_REGISTER, "requester": {**_REGISTER["requester"], "contact": {"phone": "x"}}},  # type: ignore[dict-item]
            "input.invalid",
            "requester.contact.phone",
        ),
        ({**_REGISTER, "channel": "fax"}, "input.invalid", "channel"),
    ],
)
def test_structure_errors_name_the_field_path(
    data: dict[str, object], code: str, field: str
) -> None:
    from servicedesk.app.requests.commands import RegisterRequest

    with pytest.raises(InvalidValue) as caught:
        convert.structure(data, RegisterRequest)
    assert (caught.value.code, caught.value.field) == (code, field)
