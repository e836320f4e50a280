"""What each command group's help page lists, drawn without importing the group.

Written by ``python scripts/cli_index.py`` from the groups themselves (a test
holds the two equal): per group, per visible command, its ``short_help`` (or
``None``) and its help, as the catalogue holds them.
"""

from __future__ import annotations

INDEX: dict[str, dict[str, tuple[str | None, str]]] = {
    "db": {
        "upgrade": (
            None,
            "Create the database, or bring its schema to this version of servicedesk.",
        )
    },
    "catalogue": {
        "approve": (
            None,
            "Sign the item's pending proposal (a fee, or stopping it) in one role of its chain.",
        ),
        "change-fee": (
            None,
            "Propose a new fee for an item; the old one holds until the chain signs the new one.",
        ),
        "list": (None, "Every item with its fee in force and what it waits for."),
        "load": (None, "Propose every item of a TOML file; each is published once approved."),
        "reject": (None, "Refuse the item's pending fee, with the reason."),
        "require": (None, "Say which qualifications whoever does the item must hold."),
        "resume": (None, "Take requests for a suspended item again."),
        "show": (None, "One item of the catalogue with its fee in force and what it waits for."),
        "suspend": (None, "Stop taking requests for an item for a while."),
        "withdraw": (
            None,
            "Propose to withdraw an item for good; it is withdrawn once its chain has approved.",
        ),
    },
    "worker": {
        "add": (None, "Register a worker with their skills (the catalogue's categories)."),
        "availability": (None, "Mark a worker available for jobs, or not (on leave, off shift)."),
        "file": (None, "A member of staff's qualifications, training and shifts."),
        "jobs": (None, "A worker's work orders, oldest first: the open ones unless --all."),
        "list": (None, "The workers, their skills and whether they are available."),
        "page": (None, "A page of workers by id, of a skill and availability if asked."),
        "qualify": (
            None,
            "Record a certificate a member of staff holds (a renewal replaces one of its kind).",
        ),
        "train": (None, "Record a course a member of staff took, passed or failed."),
    },
    "request": {
        "accept": (None, "The requester accepts the work, signing for it."),
        "call-ahead": (None, "Record the call that confirms the visit before the work starts."),
        "cancel": (None, "Cancel a request at the requester's wish."),
        "close": (None, "Close an accepted request."),
        "complete": (None, "The worker reports the job done."),
        "consent": (
            None,
            "Record the requester's signed consent to a change of scope or an extra fee.",
        ),
        "decline": (None, "Decline a request out of scope, with the reason."),
        "dispatch": (None, "Send a worker: a work order is issued."),
        "dispatch-due": (
            None,
            "Dispatch every triaged request whose batch time has come (run it hourly).",
        ),
        "extra-fee": (None, "Add an extra fee to the job, on the requester's signed consent."),
        "history": (None, "What happened to a request, oldest first."),
        "list": (None, "The open requests."),
        "page": (
            None,
            "A page of requests, open or ended, with a filter; prints the next page's cursor.",
        ),
        "register": (None, "Register a request as the requester tells it."),
        "reject": (None, "The requester rejects the work: it is redone."),
        "scope": (None, "Change the scope of the work, on the requester's signed consent."),
        "show": (None, "One request as the desk sees it now."),
        "start": (None, "The worker is on site: work starts."),
        "triage": (None, "Accept the request in scope as a catalogue item; the deadline starts."),
    },
    "account": {
        "close": (None, "Close a settled account (a cashier: its balance must be zero)."),
        "deposit": (None, "A cashier takes money into a tenant's deposit."),
        "history": (None, "Everything that moved money on an account, oldest first."),
        "open": (
            None,
            "Open the account a requester is billed on (owners on account, tenants by deposit).",
        ),
        "page": (None, "A page of accounts by id, of a unit, kind and status if asked."),
        "refund": (None, "A cashier pays back what is left of a tenant's deposit."),
        "show": (None, "An account's balance and what is outstanding."),
        "statements": (
            None,
            "An account's statements of every month, addressed as the actor may read them.",
        ),
        "top-up": (None, "The tenants' accounts whose deposit is below what the rule asks."),
    },
    "charge": {
        "audit": (None, "The assistant audits a confirmed charge."),
        "confirm": (None, "The requester confirms the charge (a deposit is drawn at once)."),
        "cost": (None, "Record what a job cost the centre, for the revenue-and-cost report."),
        "estimate": (
            None,
            "Give the requester an estimate before work starts (labour-and-materials items).",
        ),
        "of-request": (None, "A job's charges: estimates, the charge and its reversals."),
        "record": (
            None,
            "Record the charge of a job done: the triage price (or the labour) plus materials.",
        ),
        "reverse": (None, "Correct a confirmed charge by a reversing entry (it is never edited)."),
        "show": (None, "One charge with its total, its status and whether it is audited."),
        "to-audit": (None, "The confirmed charges the assistant has not audited yet."),
    },
    "payment": {
        "page": (None, "A page of payments, oldest first unless sorted otherwise."),
        "receipts": (None, "A page of the receipts issued, oldest first unless sorted otherwise."),
        "record": (None, "A cashier takes a payment of the account's open statements."),
        "series": (
            None,
            "The receipts of one series by number, 1, 2, 3 ... with no gap (voided ones kept).",
        ),
        "void": (None, "Void a mistaken payment: it and its receipt keep their number."),
    },
    "agreement": {
        "end": (None, "End an agreement after its last billed month."),
        "sign": (None, "Sign an agreement with a requester for an item of the catalogue."),
        "visit": (None, "Record a visit made under an agreement (charged at the month close)."),
        "visits-due": (None, "The visits the agreements schedule in a month, by day."),
    },
    "invoice": {
        "deliver": (None, "The issued invoice is handed to the requester."),
        "issue": (None, "Issue a requested invoice under its printed number."),
        "of-request": (None, 'A job\'s invoices with their numbers; "!" marks one late.'),
        "overdue": (None, "The invoices asked for and not delivered by their deadline."),
        "request": (None, "The requester asks for an invoice of a confirmed charge."),
    },
    "receipt-book": {
        "issue": (None, "Hand a book of receipts to a collector."),
        "list": (
            None,
            "The receipt books: how many receipts are used, and which stubs are missing.",
        ),
        "return": (None, "The collector returns the stubs of the receipts written."),
    },
    "month": {
        "close": (None, "Issue the month's statements; running it again changes nothing."),
        "waiting": (
            None,
            "How many charges the month's close leaves for later, not audited by its cut-off.",
        ),
    },
    "statement": {
        "export": (
            None,
            "Export a month's statements with their lines, as CSV (UTF-8 with BOM), JSON or xlsx.",
        ),
        "list": (None, "The statements of a month."),
        "overdue": (
            None,
            "The statements past their due date with money still due, oldest month first.",
        ),
        "page": (None, "A page of statements of every month, by month unless sorted otherwise."),
        "show": (
            None,
            "One statement: to whom it is addressed, its lines, what is paid and what is due.",
        ),
    },
    "complaint": {
        "acknowledge": (None, "Tell the complainant it is received."),
        "answer": (None, "Answer the complaint."),
        "close": (None, "Close an answered complaint with the complainant's satisfaction."),
        "file": (None, "File a complaint; whoever takes it owns it until handed over."),
        "finding": (None, "Record what the investigation found."),
        "hand-over": (None, "Hand the complaint over to another owner, with the reason."),
        "history": (None, "What happened to a complaint, oldest first."),
        "list": (None, "The open complaints with their deadlines and escalations."),
        "overdue": (None, "The open complaints past their answer deadline."),
        "page": (
            None,
            "A page of complaints, open or closed, oldest filed first unless sorted otherwise.",
        ),
        "pause": (None, "Stop the complaint's clock while the desk waits on someone else."),
        "reopen": (None, "Reopen an answered complaint: the complainant disputes the answer."),
        "resume": (None, "Start the complaint's clock again."),
        "show": (None, "One complaint as the desk sees it now."),
    },
    "callback": {
        "list": (None, "The callbacks of a month and how they went, with the number to call."),
        "page": (None, "A page of callbacks of every month, by id unless sorted otherwise."),
        "plan": (None, "Draw the callbacks of a month's accepted jobs."),
        "record": (None, "Record one call: reached with a score, or not reached."),
    },
    "records": {
        "archive": (
            None,
            "A closed job's archive: the request form, work orders, feedback and vouchers, masked.",
        ),
        "archive-export": (
            None,
            "A closed job's archive as JSON for the files, personal data masked.",
        ),
        "erase": (
            None,
            "Erase a requester's personal data on their request, where no rule keeps it.",
        ),
        "erasure-plan": (
            None,
            "What erasing a requester would take, record by record, and why the rest is kept.",
        ),
        "export": (
            None,
            "Everything held about a requester as JSON: each record with its history.",
        ),
        "file": (
            None,
            "A record's retention file: its forms, when it closed and expires, its holds.",
        ),
        "hold": (
            None,
            "Keep a record from the purge (a dispute, an inquiry) until the hold is released.",
        ),
        "purge": (
            None,
            "Anonymise personal data whose retention period ended (amounts and links stay).",
        ),
        "release": (None, "Release a hold; the record is purged when its retention ends."),
    },
    "found": {
        "claim": (None, "Give a kept item back to its owner, who shows an identity document."),
        "give-to-finder": (
            None,
            "Give an unclaimed item to its finder once it has been kept its time.",
        ),
        "list": (None, "The items kept, and until when."),
        "log": (None, "Log an item handed in, with who found it."),
    },
    "audit": {
        "head": (
            None,
            "The trail's last number and hash: keep it out of the database's reach, to "
            "check against.",
        ),
        "trail": (
            None,
            "The audit records in order: who did or asked what, when, and what was refused.",
        ),
        "verify": (
            None,
            "Check the trail, the events and every stored record; exit 1 if anything was changed.",
        ),
    },
    "hall": {
        "application": (None, "An application from intake to the applicant told of its result."),
        "applications": (
            None,
            "The applications still open, with what they lack and when they are due.",
        ),
        "call-next": (None, "The window calls the next number waiting."),
        "department": (None, "The departments whose items the hall takes."),
        "finish": (None, "The window is done with the number."),
        "guide": (None, "An item's service guide: drafted, published, withdrawn, shown."),
        "guides": (None, "The published guides of the hall's items, with their version."),
        "off-duty": (None, "The actor leaves the window."),
        "on-duty": (None, "The actor takes their seat at a window."),
        "queue": (None, "Today's queue: who is waiting, who is served at which window."),
        "recall": (None, "Call a skipped number again, at the window."),
        "result": (
            None,
            "An application's progress and result by its number, as anyone may look it up.",
        ),
        "skip": (None, "The number called did not come."),
        "staff": (None, "The staff a department seconds to the hall's windows."),
        "sweep": (
            None,
            "The hall's deadline sweep: every overdue step and application goes up once.",
        ),
        "take-number": (None, "Give an applicant a queue number for an item or a window."),
        "transfer": (
            None,
            "Send the number being served to another window or item, keeping its place.",
        ),
        "waiting-times": (
            None,
            "How long numbers waited before their call, per window and hour, from FIRST to LAST.",
        ),
        "window": (None, "The hall's windows: opened, their items and opening hours."),
        "windows": (
            None,
            "The windows of the hall: their items, whether open now and who is on duty.",
        ),
    },
    "report": {
        "expiring-qualifications": (None, "Certificates expiring soon, or expired, soonest first."),
        "handover": (None, "What the next shift takes over."),
        "loss-making": (
            None,
            "The items whose costs exceeded their revenue in a month: to review or stop.",
        ),
        "open": (None, "Every open request."),
        "overdue": (None, "The requests past their deadline."),
        "quality": (
            None,
            "A month's on-time, first-time-fix, complaint and satisfaction rates, per item.",
        ),
        "revenue": (None, "Revenue and cost per item in a month."),
        "review": (
            None,
            "A worker's month for the appraisal: jobs, complaints and the requesters' scores.",
        ),
        "trend": (None, "The quality of every item together, month by month from FIRST to LAST."),
    },
    "appraisal": {
        "draw": (
            None,
            "Draw STAFF's appraisal for PERIOD (2026-03, 2026-Q1 or 2026) from its records.",
        ),
        "note": (None, "A manager notes a breach of discipline by STAFF."),
        "rectify": (None, "Close the rectification a failing appraisal opened."),
        "report": (None, "A period's appraisals, with the results counted."),
        "show": (None, "One appraisal, or (--staff) every appraisal of one member of staff."),
        "sign": (None, "Sign an appraisal; a failing one opens its rectification or return."),
    },
    "rating": {
        "follow-up": (None, "The follow-up (整改) of a bad rating."),
        "give": (
            None,
            "Record the requester's rating of one service, with how he gave it (--given).",
        ),
        "overdue": (
            None,
            "Bad ratings whose follow-up is past its deadline, the longest due first.",
        ),
        "report": (None, "A month's ratings per item, window, department and member of staff."),
        "show": (None, "One rating: what it rates, its level and its follow-up."),
        "staff": (None, "One member of staff's ratings of a month, as an appraisal reads them."),
        "tell": (None, "The rater was told the follow-up's outcome."),
    },
    "enquiry": {
        "answer": (None, "Answer the enquiry."),
        "hand-over": (None, "Hand the enquiry over to another owner, with the reason."),
        "history": (None, "What happened to an enquiry, oldest first."),
        "list": (
            None,
            "A page of enquiries, open or not, first taken first unless sorted otherwise.",
        ),
        "overdue": (None, "The open enquiries past their answer's due time."),
        "refer": (
            None,
            "Refer what the desk cannot answer to a department, or to a complaint or request.",
        ),
        "show": (None, "One enquiry as the desk sees it now."),
        "take": (
            None,
            "Take a consultation or suggestion; whoever takes it owns it until handed over.",
        ),
    },
    "roster": {
        "cancel": (None, "Take a shift that has not begun off the roster."),
        "handover": (None, "Who is on shift now, and whose shifts begin next."),
        "list": (None, "The shifts of a day, or of the days from FIRST to LAST."),
        "shift": (None, "Put a member of staff on a shift."),
    },
}
