"""Acts the domain reserves to certain roles, whatever an organisation's policy says.

Money is taken, paid back and accounted for only by a cashier, and charges are
audited or reversed only by the assistant (rule billing.cashier-only, rule
billing.assistant-audits).  A command that performs such an act names it
(``Command.reserved``); the permission check then allows the roles of the
organisation's permission table *and* of the act, so a policy plugin can
narrow a reserved act to fewer people but never widen it.
"""

from __future__ import annotations

from typing import Final

import attrs

from servicedesk.domain.values import Role


def marked(message: str) -> str:
    """Marks ``message`` for the catalogue; it is translated where it is shown."""
    return message


@attrs.frozen
class ReservedAct:
    """An act only ``roles`` may perform; ``action`` says what it is, for a refusal."""

    roles: frozenset[Role]
    action: str


CASHIER: Final = frozenset({Role.CASHIER})
ASSISTANT: Final = frozenset({Role.ASSISTANT})

TAKE_MONEY: Final = ReservedAct(CASHIER, marked("take money"))
PAY_BACK_MONEY: Final = ReservedAct(CASHIER, marked("pay money back"))
CLOSE_ACCOUNT: Final = ReservedAct(CASHIER, marked("close an account"))
VOID_PAYMENT: Final = ReservedAct(CASHIER, marked("void a payment"))
ISSUE_INVOICE: Final = ReservedAct(CASHIER, marked("issue an invoice"))
ISSUE_RECEIPT_BOOK: Final = ReservedAct(CASHIER, marked("issue a receipt book"))
RETURN_RECEIPT_BOOK: Final = ReservedAct(CASHIER, marked("take back a receipt book"))
AUDIT_CHARGE: Final = ReservedAct(ASSISTANT, marked("audit a charge"))
REVERSE_CHARGE: Final = ReservedAct(ASSISTANT, marked("reverse a charge"))
