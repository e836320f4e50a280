"""Acts the domain reserves to certain roles, whatever an organisation's policy says.

Money is taken, paid back and accounted for only by a cashier, and charges are
audited or reversed only by the assistant (rule billing.cashier-only, rule
billing.assistant-audits); approvals are given by managers, never by the system
or by whoever proposed (rule catalogue.approval-chain); the requester's consent,
acceptance or signature comes from the requester, or from desk staff who record
how it was given and who witnessed it (rule requests.requesters-own-acts); a hold
is released and a requester erased by the records' managers only (rule
records.reserved-acts).  A command that performs such an act names it
(``Command.reserved``).  A policy plugin may narrow a reserved act to fewer
people; one that names a role beyond the act's is refused when the desk starts
(rule records.reserved-acts).
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
    #: Whether staff giving it must record the requester's evidence (``RequesterEvidence``).
    needs_evidence: bool = False


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

#: Who signs an approval: managers, people of the approval chain (never the system).
APPROVERS: Final = frozenset({Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER, Role.BRANCH_MANAGER})
#: Desk staff who may record a requester's word, with how it was given and a witness.
RECORDERS: Final = frozenset(
    {
        Role.CLERK,
        Role.ASSISTANT,
        Role.CASHIER,
        Role.DEPARTMENT_HEAD,
        Role.CENTRE_MANAGER,
        Role.BRANCH_MANAGER,
    }
)
RECORDS_PEOPLE: Final = frozenset({Role.CENTRE_MANAGER, Role.BRANCH_MANAGER, Role.AUDITOR})

APPROVE: Final = ReservedAct(APPROVERS, marked("approve or reject a proposal"))
GIVE_AWAY: Final = ReservedAct(APPROVERS, marked("approve giving a found item away"))
REQUESTERS_WORD: Final = ReservedAct(
    RECORDERS | {Role.REQUESTER},
    marked("give the requester's consent, acceptance or signature"),
    needs_evidence=True,
)
RELEASE_HOLD: Final = ReservedAct(RECORDS_PEOPLE, marked("release a hold"))
ERASE: Final = ReservedAct(
    frozenset({Role.CENTRE_MANAGER, Role.BRANCH_MANAGER}), marked("erase a requester's data")
)
SIGN_APPRAISAL: Final = ReservedAct(APPROVERS, marked("sign an appraisal"))
#: A public rating is the requester's word too: his own, or recorded with how he gave it.
RATE: Final = ReservedAct(
    RECORDERS | {Role.REQUESTER}, marked("give the requester's rating"), needs_evidence=True
)
