"""Schemathesis against a live server on SQLite and PostgreSQL: requests made from the OpenAPI
document itself. No answer is a 500, every answer matches the document, and every refusal
is a problem document with a code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from contract_databases import Databases, wipe
from http_live import Clock, headers, seeded, serving
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks

from servicedesk.adapters.sql import SqlStore
from servicedesk.http.problems import PROBLEM_JSON

#: A member of staff holding every staff role, so that requests reach past the permission check.
STAFF = headers(
    "staff-1",
    "clerk",
    "assistant",
    "cashier",
    "department_head",
    "centre_manager",
    "branch_manager",
    "auditor",
)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(scope="module", params=("sqlite", "postgresql"))
def served(request: pytest.FixtureRequest, databases: Databases) -> Iterator[str]:
    store = SqlStore(databases.url(request.param), migrate=False)
    try:
        with serving(seeded(store, Clock())) as url:
            yield url
    finally:
        wipe(store)
        store.close()


#: Examples per operation: enough to reach past the door on every route, small enough for CI.
EXAMPLES = 2


def test_the_api_answers_every_request_its_document_allows(served: str) -> None:
    api = schemathesis.openapi.from_url(f"{served}/openapi.json")
    failures: list[str] = []
    for found in api.get_all_operations():
        operation = found.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
            suppress_health_check=list(HealthCheck),
        )
        def answers(case: Any) -> None:
            response = case.call(base_url=served, headers=STAFF)
            case.validate_response(response, checks=CHECKS)
            if response.status_code >= 400:
                assert response.headers["content-type"][0].startswith(PROBLEM_JSON)
                problem = response.json()
                assert problem["code"], problem
                assert problem["status"] == response.status_code

        try:
            answers()
        except (Exception, BaseExceptionGroup) as failure:  # try every operation, report them all
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)
