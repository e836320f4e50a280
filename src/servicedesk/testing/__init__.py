"""Test helpers for suites that embed servicedesk: strategies, a scenario, the books.

* ``servicedesk.testing.strategies``: Hypothesis strategies for money, charge
  lines, requesters, account openings and sequences of billing steps;
* ``BillingScenario``: a desk on the memory store with staff and a published
  catalogue, and a clock the test moves;
* ``run_steps``: carry out a drawn sequence of steps, refusals included;
* ``check_books``: assert every money invariant over a desk's store;
* ``BillingMachine``: a stateful test of the books; subclass it with your plugins.

See ``docs/testing.md``.
"""

from servicedesk.testing import strategies
from servicedesk.testing.books import check_books
from servicedesk.testing.machine import BillingMachine
from servicedesk.testing.scenario import (
    IN_PERSON,
    BillingScenario,
    audit_trail_length,
    store_state,
)
from servicedesk.testing.sequences import StepResult, run_steps

__all__ = [
    "IN_PERSON",
    "BillingMachine",
    "BillingScenario",
    "StepResult",
    "audit_trail_length",
    "check_books",
    "run_steps",
    "store_state",
    "strategies",
]
