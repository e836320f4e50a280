"""Default values of the records rules: who may do what, how long records are kept.

Roles follow domain.md: the front desk registers and steers requests, workers
report their work, managers approve; money is taken only by a cashier
(000 §4.4.6) and fees are approved only by people of the approval chain.
``Role.SYSTEM`` is the embedding application acting for staff it has
already authenticated, so it may do what staff do, except what the domain
reserves to a person: approvals, holds, giving a found item away.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from servicedesk.domain.retention import RecordKind, RetentionRule
from servicedesk.domain.values import Role

R = Role
PEOPLE: Final = frozenset(Role) - {Role.SYSTEM}
FRONT_DESK: Final = frozenset(
    {R.CLERK, R.ASSISTANT, R.DEPARTMENT_HEAD, R.CENTRE_MANAGER, R.BRANCH_MANAGER, R.SYSTEM}
)
FIELD: Final = FRONT_DESK | {R.WORKER, R.CONTRACTOR}
MANAGERS: Final = frozenset({R.DEPARTMENT_HEAD, R.CENTRE_MANAGER, R.BRANCH_MANAGER})
CATALOGUE: Final = MANAGERS | {R.ASSISTANT, R.SYSTEM}
RECORDS: Final = frozenset({R.CENTRE_MANAGER, R.BRANCH_MANAGER, R.AUDITOR})

#: Command class name -> roles that may give it.
PERMISSIONS: Final[dict[str, frozenset[Role]]] = {
    # catalogue: proposals by the centre, approvals by the chain's people (000 §4.1)
    "ProposeItem": CATALOGUE,
    "ProposeFeeChange": CATALOGUE,
    "ApproveFee": PEOPLE,
    "RejectFee": PEOPLE,
    "SuspendItem": CATALOGUE,
    "ResumeItem": CATALOGUE,
    "WithdrawItem": CATALOGUE,
    # workers
    "RegisterWorker": CATALOGUE,
    "SetWorkerAvailability": FIELD,
    # requests (002 §2.1-2.6)
    "RegisterRequest": FRONT_DESK,
    "TriageRequest": FRONT_DESK,
    "DeclineRequest": FRONT_DESK,
    "DispatchRequest": FRONT_DESK,
    "DispatchDue": FRONT_DESK,
    "StartWork": FIELD,
    "RecordConsent": FIELD,
    "ChangeScope": FIELD,
    "AddExtraFee": FIELD,
    "CompleteWork": FIELD,
    "AcceptWork": FIELD,
    "RejectWork": FIELD,
    "CloseRequest": FRONT_DESK,
    "CancelRequest": FRONT_DESK,
    # money: only a cashier takes payment (000 §4.4.6)
    "RecordPayment": frozenset({R.CASHIER}),
    # records
    "PlaceHold": RECORDS | {R.SYSTEM},
    "ReleaseHold": RECORDS | {R.SYSTEM},
    "PurgeExpired": frozenset({R.CENTRE_MANAGER, R.SYSTEM}),
    "EraseRequester": frozenset({R.CENTRE_MANAGER, R.BRANCH_MANAGER, R.SYSTEM}),
    "LogFoundItem": FRONT_DESK,
    "ClaimFoundItem": FRONT_DESK,
    "GiveFoundItemToFinder": frozenset({R.CENTRE_MANAGER, R.BRANCH_MANAGER}),
}

#: Commands no table names (another area's, a plugin's): staff and the system, not auditors,
#: who read but never act.  An organisation tightens this with its own plugin.
UNLISTED: Final = frozenset(Role) - {Role.AUDITOR}

YEAR: Final = timedelta(days=365)
#: Per kind: how long personal data is kept after the record closes.
RETENTION: Final[dict[RecordKind, RetentionRule]] = {
    RecordKind.REQUEST_FORM: RetentionRule(3 * YEAR),
    RecordKind.WORK_ORDER: RetentionRule(3 * YEAR),
    RecordKind.FEEDBACK_FORM: RetentionRule(3 * YEAR),
    # accounting vouchers are kept by law; the requester cannot have them erased early
    RecordKind.SETTLEMENT_VOUCHER: RetentionRule(10 * YEAR, erasable_on_request=False),
    RecordKind.COMPLAINT: RetentionRule(3 * YEAR, erasable_on_request=False),
    RecordKind.CALLBACK: RetentionRule(YEAR),
    RecordKind.LOST_PROPERTY: RetentionRule(YEAR),
    # audit records hold no personal data (see docs/records.md): nothing to anonymise
    RecordKind.AUDIT_RECORD: RetentionRule(30 * YEAR, erasable_on_request=False),
}

#: 001 §4: ordinary items 3-6 months, valuables 1-2 years; the shorter end by default.
FOUND_ITEM_KEEPING: Final = {False: timedelta(days=90), True: YEAR}
