"""Handlers of the money side, each one transaction.

Money moves only here and only inside one unit of work: a payment, its
allocations to statements, its receipt number and its receipt are saved
together or not at all.  Who may do what is checked first (only a cashier
takes or pays back money, only an assistant audits or reverses a charge),
then the aggregates enforce their own rules.
"""

from __future__ import annotations

import bisect
from datetime import tzinfo
from decimal import Decimal

import attrs

from servicedesk.app.billing import commands as b
from servicedesk.app.billing.ports import MonthClose
from servicedesk.app.context import Context
from servicedesk.app.progress import counted
from servicedesk.domain.accounts import Account, Outstanding
from servicedesk.domain.agreements import Agreement
from servicedesk.domain.billing import (
    AccountId,
    AgreementId,
    BillingMode,
    ChargeId,
    CostId,
    InvoiceId,
    PaymentId,
    Period,
    ReceiptBookId,
)
from servicedesk.domain.charges import Charge, ChargeLine, ChargeStatus, LineKind, LineSpec
from servicedesk.domain.costs import Cost
from servicedesk.domain.errors import IllegalTransition, InvalidValue, NotFound
from servicedesk.domain.invoices import Invoice, ReceiptBook
from servicedesk.domain.money import DEFAULT_CURRENCY, Money, total
from servicedesk.domain.payments import (
    Collection,
    Payment,
    PaymentPurpose,
    Receipt,
    StatementPart,
    Stub,
)
from servicedesk.domain.requests import ServiceRequest, Status
from servicedesk.domain.statements import (
    Statement,
    StatementStatus,
    closing_lines,
    statement_id,
    statements_to_pay,
)
from servicedesk.i18n import _

# --- accounts ------------------------------------------------------------------------------------


def open_account(cmd: b.OpenAccount, ctx: Context) -> str:
    requester = cmd.requester
    existing = ctx.uow.accounts.open_for(requester.unit, requester.kind)
    if existing is not None:
        raise IllegalTransition(
            _("This unit already has an open {kind} account, {id}."),
            code="billing.illegal_transition",
            kind=_(requester.kind),
            id=existing.id,
        )
    account_id = cmd.account_id or AccountId(ctx.new_id())
    account = Account.open(
        account_id,
        requester=requester,
        mode=ctx.policies.billing_mode(requester),
        currency=DEFAULT_CURRENCY,
        at=ctx.now,
    )
    ctx.uow.accounts.add(account)
    return account_id.value


def _account_of(request: ServiceRequest, ctx: Context) -> Account:
    account = ctx.uow.accounts.open_for(request.requester.unit, request.requester.kind)
    if account is None:
        raise NotFound(
            _("The requester of request {id} has no open account; open one first."),
            kind="account",
            id=request.id,
        )
    return account


# --- money in and out ----------------------------------------------------------------------------


def _receipt(account: Account, payment_id: PaymentId, amount: Money, ctx: Context) -> Receipt:
    """The next number of the series, taken in this transaction, and its receipt."""
    series = ctx.policies.receipt_series(ctx.now, ctx.policies.calendar())
    number = ctx.uow.counters.next(series, at=ctx.now)
    receipt = Receipt.issue(
        series=series,
        number=number,
        text=ctx.policies.receipt_number(series, number),
        payment_id=payment_id,
        account_id=account.id,
        amount=amount,
        at=ctx.now,
    )
    ctx.uow.receipts.add(receipt)
    return receipt


def _stub(
    collection: Collection,
    book_id: ReceiptBookId | None,
    number: int | None,
    payment_id: PaymentId,
    amount: Money,
    ctx: Context,
) -> Stub | None:
    if collection is Collection.ON_THE_SPOT:
        if book_id is not None or number is not None:
            raise InvalidValue(
                _("A payment on the spot is not written on a collector's stub."),
                code="billing.invalid",
            )
        return None
    if book_id is None or number is None:
        raise InvalidValue(
            _("A collected payment names the receipt book and stub it was written on."),
            code="billing.invalid",
        )
    book = ctx.uow.receipt_books.get(book_id)
    book.use(number, payment_id=payment_id, amount=amount, at=ctx.now)
    return Stub(book_id, number)


def pay_deposit(cmd: b.PayDeposit, ctx: Context) -> str:
    account = ctx.uow.accounts.get(cmd.account_id)
    payment_id = PaymentId(ctx.new_id())
    account.pay_in(
        cmd.amount,
        payment_id=payment_id,
        rule=ctx.policies.deposit_rule(account),
        at=ctx.now,
    )
    stub = _stub(cmd.collection, cmd.book_id, cmd.stub, payment_id, cmd.amount, ctx)
    receipt = _receipt(account, payment_id, cmd.amount, ctx)
    payment = Payment.record(
        payment_id,
        account_id=account.id,
        amount=cmd.amount,
        purpose=PaymentPurpose.DEPOSIT,
        parts=(),
        collection=cmd.collection,
        stub=stub,
        cashier=ctx.actor.id,
        receipt_id=receipt.id,
        at=ctx.now,
    )
    ctx.uow.payments.add(payment)
    return payment_id.value


def refund_deposit(cmd: b.RefundDeposit, ctx: Context) -> str:
    account = ctx.uow.accounts.get(cmd.account_id)
    account.refund(cmd.amount, reference=f"refund:{ctx.new_id()}", at=ctx.now)
    return account.id.value


def close_account(cmd: b.CloseAccount, ctx: Context) -> str:
    account = ctx.uow.accounts.get(cmd.account_id)
    charges = ctx.uow.charges.for_account(account.id)
    reversed_ids = {c.reverses for c in charges if c.reverses is not None}
    outstanding = Outstanding(
        unconfirmed_charges=sum(c.status is ChargeStatus.RECORDED for c in charges),
        undrawn_charges=sum(
            c.is_confirmed
            and c.mode is BillingMode.DEPOSIT
            and c.reverses is None
            and c.id not in reversed_ids
            and not c.amount.is_zero
            and not account.drawn_for(c.id)
            for c in charges
        ),
    )
    this_month = Period.of(ctx.now, ctx.policies.calendar().tz)
    in_force = sum(
        a.last is None or a.last >= this_month for a in ctx.uow.agreements.for_account(account.id)
    )
    if account.mode is BillingMode.DEPOSIT:
        outstanding = attrs.evolve(outstanding, agreements_in_force=in_force)
    else:
        outstanding = attrs.evolve(
            outstanding,
            open_statements=sum(
                s.status is StatementStatus.OPEN for s in ctx.uow.statements.for_account(account.id)
            ),
            unbilled_charges=sum(c.is_confirmed and c.statement_id is None for c in charges),
            agreements_in_force=in_force,
        )
    account.close_out(outstanding, refund_reference=f"refund:{ctx.new_id()}", at=ctx.now)
    return account.id.value


def record_payment(cmd: b.RecordPayment, ctx: Context) -> str:
    account = ctx.uow.accounts.get(cmd.account_id)
    account.check_amount(cmd.amount)
    if account.mode is not BillingMode.ON_ACCOUNT:
        raise IllegalTransition(
            _("Account {id} pays from a deposit; take the money with PayDeposit."),
            code="account.illegal_transition",
            id=account.id,
        )
    if cmd.statement_ids:
        named = [ctx.uow.statements.get(sid) for sid in dict.fromkeys(cmd.statement_ids)]
    else:
        named = ctx.uow.statements.for_account(account.id)
    statements = statements_to_pay(account.id, cmd.amount, named, chosen=bool(cmd.statement_ids))
    payment_id = PaymentId(ctx.new_id())
    shares = ctx.policies.allocate_payment(cmd.amount, statements)
    parts: list[StatementPart] = []
    for statement, share in zip(statements, shares, strict=True):
        if not share.is_zero:
            statement.allocate(share, payment_id=payment_id, at=ctx.now)
            parts.append(StatementPart(statement.id, share))
    stub = _stub(cmd.collection, cmd.book_id, cmd.stub, payment_id, cmd.amount, ctx)
    receipt = _receipt(account, payment_id, cmd.amount, ctx)
    payment = Payment.record(
        payment_id,
        account_id=account.id,
        amount=cmd.amount,
        purpose=PaymentPurpose.STATEMENTS,
        parts=tuple(parts),
        collection=cmd.collection,
        stub=stub,
        cashier=ctx.actor.id,
        receipt_id=receipt.id,
        at=ctx.now,
    )
    ctx.uow.payments.add(payment)
    return payment_id.value


def void_payment(cmd: b.VoidPayment, ctx: Context) -> str:
    """Undo a mistaken payment by entries that keep every number (receipts, rule
    billing.void-keeps-number).
    """
    payment = ctx.uow.payments.get(cmd.payment_id)
    payment.void(reason=cmd.reason, cashier=ctx.actor.id, at=ctx.now)
    if payment.purpose is PaymentPurpose.DEPOSIT:
        account = ctx.uow.accounts.get(payment.account_id)
        account.void_deposit(payment.amount, payment_id=payment.id, at=ctx.now)
    for part in payment.parts:
        ctx.uow.statements.get(part.statement_id).void_payment(payment.id, at=ctx.now)
    ctx.uow.receipts.get(payment.receipt_id).void(reason=cmd.reason, at=ctx.now)
    return payment.id.value


# --- charges -------------------------------------------------------------------------------------


def _charges(request: ServiceRequest, ctx: Context) -> tuple[list[Charge], Charge | None]:
    """The request's charges and the one still open for recording, if any."""
    charges = ctx.uow.charges.for_request(request.id)
    reversed_ids = {c.reverses for c in charges if c.reverses is not None}
    live = [c for c in charges if c.reverses is None and c.id not in reversed_ids]
    for charge in live:
        if charge.is_confirmed:
            raise IllegalTransition(
                _(
                    "Request {id} already has the confirmed charge {charge}; reverse it "
                    "before charging again."
                ),
                code="request.illegal_transition",
                id=request.id,
                charge=charge.id,
            )
    return charges, (live[-1] if live else None)


def _next_charge_id(request: ServiceRequest, charges: list[Charge]) -> ChargeId:
    return ChargeId(f"{request.id}:{1 + sum(1 for c in charges if c.reverses is None)}")


def give_estimate(cmd: b.GiveEstimate, ctx: Context) -> str:
    request = ctx.uow.requests.get(cmd.request_id)
    if request.status not in (Status.TRIAGED, Status.DISPATCHED):
        raise IllegalTransition(
            _("Request {id} is {status}; an estimate is given before work starts."),
            code="request.illegal_transition",
            id=request.id,
            status=request.status,
        )
    charges, live = _charges(request, ctx)
    if live is not None:
        raise IllegalTransition(
            _("Request {id} already has charge {charge}."),
            code="request.illegal_transition",
            id=request.id,
            charge=live.id,
        )
    account = _account_of(request, ctx)
    assert request.item_id is not None
    charge = Charge.give_estimate(
        _next_charge_id(request, charges),
        request_id=request.id,
        account_id=account.id,
        item_id=request.item_id,
        currency=account.currency,
        lines=cmd.lines,
        rounding=ctx.policies.rounding(),
        at=ctx.now,
    )
    ctx.uow.charges.add(charge)
    return charge.id.value


def _service_line(request: ServiceRequest, lines: tuple[LineSpec, ...]) -> tuple[LineSpec, ...]:
    """The price set at triage as the service line, unless the clerk wrote one."""
    if any(line.kind is LineKind.SERVICE for line in lines) or request.price is None:
        return lines
    if request.price.is_zero and lines:
        return lines
    return (LineSpec(LineKind.SERVICE, _("Service fee"), Decimal(1), request.price), *lines)


def record_charge(cmd: b.RecordCharge, ctx: Context) -> str:
    request = ctx.uow.requests.get(cmd.request_id)
    if request.status not in (Status.COMPLETED, Status.ACCEPTED, Status.CLOSED):
        raise IllegalTransition(
            _("Request {id} is {status}; charge it once the work is done."),
            code="request.illegal_transition",
            id=request.id,
            status=request.status,
        )
    charges, live = _charges(request, ctx)
    account = _account_of(request, ctx)
    if live is None:
        assert request.item_id is not None
        live = Charge.open(
            _next_charge_id(request, charges),
            request_id=request.id,
            account_id=account.id,
            item_id=request.item_id,
            currency=account.currency,
        )
        ctx.uow.charges.add(live)
    extras = tuple(
        ChargeLine(LineKind.EXTRA, fee.description, Decimal(1), fee.amount, fee.amount)
        for fee in request.extra_fees
    )
    estimated = any(c.estimate_total is not None for c in charges)
    live.record(
        _service_line(request, cmd.lines),
        extras=extras,
        rounding=ctx.policies.rounding(),
        needs_estimate=request.fee is not None and request.fee.needs_estimate and not estimated,
        at=ctx.now,
    )
    return live.id.value


def confirm_charge(cmd: b.ConfirmCharge, ctx: Context) -> str:
    charge = ctx.uow.charges.get(cmd.charge_id)
    account = ctx.uow.accounts.get(charge.account_id)
    if not account.is_open:
        raise IllegalTransition(
            _("Account {id} is closed."), code="account.illegal_transition", id=account.id
        )
    charge.confirm(signed_by=cmd.signed_by, mode=account.mode, at=ctx.now)
    if account.mode is BillingMode.DEPOSIT and not ctx.policies.audit_before_settlement(
        BillingMode.DEPOSIT
    ):
        _draw(charge, account, ctx)
    return charge.id.value


def _draw(charge: Charge, account: Account, ctx: Context) -> None:
    """Take a tenant's charge from the deposit, once (rule billing.tenant-deposit)."""
    if not charge.amount.is_zero and not account.drawn_for(charge.id):
        account.draw(
            charge.amount,
            charge_id=charge.id,
            rule=ctx.policies.deposit_rule(account),
            at=ctx.now,
        )


def audit_charge(cmd: b.AuditCharge, ctx: Context) -> str:
    """The assistant's check; a tenant's charge is drawn from the deposit now (rule
    billing.audit-before-deposit-draw), unless it was reversed before its audit.
    """
    charge = ctx.uow.charges.get(cmd.charge_id)
    charge.audit(auditor=ctx.actor.id, at=ctx.now)
    if charge.mode is BillingMode.DEPOSIT and charge.reverses is None:
        reversed_already = ctx.uow.charges.find(ChargeId(f"{charge.id}:rev")) is not None
        if not reversed_already:
            _draw(charge, ctx.uow.accounts.get(charge.account_id), ctx)
    return cmd.charge_id.value


def reverse_charge(cmd: b.ReverseCharge, ctx: Context) -> str:
    original = ctx.uow.charges.get(cmd.charge_id)
    account = ctx.uow.accounts.get(original.account_id)
    if not account.is_open:
        raise IllegalTransition(
            _("Account {id} is closed; its charges can no longer be reversed."),
            code="account.illegal_transition",
            id=account.id,
        )
    reversal_id = ChargeId(f"{original.id}:rev")
    if ctx.uow.charges.find(reversal_id) is not None:
        raise IllegalTransition(
            _("Charge {id} is already reversed by {rev}."),
            code="charge.illegal_transition",
            id=original.id,
            rev=reversal_id,
        )
    reversal = original.reversal(
        reversal_id, reason=cmd.reason, recorded_by=ctx.actor.id, at=ctx.now
    )
    ctx.uow.charges.add(reversal)
    # a charge reversed before its audit was never drawn, so nothing is given back
    drawn = account.drawn_for(original.id)
    if reversal.mode is BillingMode.DEPOSIT and not reversal.amount.is_zero and drawn:
        account.credit(-reversal.amount, charge_id=reversal.id, at=ctx.now)
    return reversal.id.value


def record_cost(cmd: b.RecordCost, ctx: Context) -> str:
    request = ctx.uow.requests.get(cmd.request_id)
    if request.item_id is None:
        raise IllegalTransition(
            _("Request {id} has no service item yet; triage it first."),
            code="request.illegal_transition",
            id=request.id,
        )
    cost = Cost.record(
        cmd.cost_id or CostId(ctx.new_id()),
        request_id=request.id,
        item_id=request.item_id,
        amount=cmd.amount,
        description=cmd.description,
        at=ctx.now,
    )
    ctx.uow.costs.add(cost)
    return cost.id.value


# --- the monthly close ---------------------------------------------------------------------------


def close_month(cmd: b.CloseMonth, ctx: Context) -> str:
    """One statement per on-account account and month; a second run finds them all.

    The policies are asked once for the whole month (statement day, due date,
    calendar).  The statement store then issues, in bulk, the statements of the
    accounts that need no domain decision (``StatementRepository.issue_in_bulk``);
    the accounts it leaves, every account on the memory store, are closed here one
    by one by the domain.  Both write the same records and events.  In batches
    (``ctx.batch``), each unit of work closes the accounts after the last one the
    run closed, by id, until about ``batch.size`` charges are billed; an account is
    never split, and a rerun skips every account its statement already closed.
    """
    calendar = ctx.policies.calendar()
    period, tz = cmd.period, calendar.tz
    opens = ctx.policies.statement_day(period, calendar)
    if ctx.now < opens:
        raise IllegalTransition(
            _("{period} cannot be closed before {at}."),
            code="billing.illegal_transition",
            period=period,
            at=opens.isoformat(timespec="minutes"),
        )
    close = MonthClose(
        period=period,
        cutoff=min(period.end(tz), opens),
        at=ctx.now,
        due=ctx.policies.statement_due(period, calendar, ctx.now),
        charge_description=_("Request {id}"),
        audited=ctx.policies.audit_before_settlement(BillingMode.ON_ACCOUNT),
    )
    after: AccountId | None = ctx.batch.resumed
    size = ctx.batch.size
    ids: list[str] | None = ctx.batch.tally
    if ctx.batch.counted and ids is None:  # the accounts the run goes through, by id
        ids = sorted(a.id.value for a in ctx.uow.accounts.list())
    issue = ctx.uow.statements.issue_in_bulk(close, after=after, limit=size)
    if issue is not None:
        for account_id in issue.left:
            _close_account(ctx.uow.accounts.get(account_id), close, tz, ctx)
        last = issue.last
    else:  # the domain closes every account of the batch
        accounts = [a for a in ctx.uow.accounts.list() if after is None or a.id.value > after.value]
        billed, last = 0, None
        for number, account in enumerate(accounts, 1):
            billed += _close_account(account, close, tz, ctx)
            if size is not None and billed >= size and number < len(accounts):
                last = account.id
                break
    if last is not None:
        ctx.batch.more(last)
    if ids is not None:  # the accounts up to the batch's last are done
        done = len(ids) if last is None else bisect.bisect_right(ids, last.value)
        ctx.batch.report(*counted(done, len(ids), ctx.batch.pending), tally=ids)
    return str(period)


def _close_account(account: Account, close: MonthClose, tz: tzinfo, ctx: Context) -> int:
    """The domain's close of one account (charges, agreement fees, credits carried).

    Returns how many charges its statement billed (none for an account not billed
    monthly, or already closed).
    """
    if account.mode is BillingMode.DEPOSIT:
        _draw_agreements(account, close, tz, ctx)
        return 0
    if account.mode is not BillingMode.ON_ACCOUNT:
        return 0
    period = close.period
    sid = statement_id(account.id, period)
    if ctx.uow.statements.find(sid) is not None:
        return 0
    charges = ctx.uow.charges.billable(account.id, close.cutoff, audited=close.audited)
    agreements = [
        (agreement, fees)
        for agreement in ctx.uow.agreements.for_account(account.id)
        if (fees := agreement.fees_for(period, tz))
    ]
    lines = closing_lines(charges, agreements, close.charge_description)
    if not lines:
        return 0
    for earlier in ctx.uow.statements.for_account(account.id):
        if earlier.status is StatementStatus.CREDIT:
            lines.append(earlier.carry_credit(sid, at=ctx.now))
    statement = Statement.issue(
        account.id,
        period,
        currency=account.currency,
        lines=tuple(lines),
        due=close.due,
        at=ctx.now,
    )
    ctx.uow.statements.add(statement)
    for charge in charges:
        charge.bill(sid)
    for agreement, _fees in agreements:
        agreement.bill(period, sid, at=ctx.now)
    return len(charges)


def _draw_agreements(account: Account, close: MonthClose, tz: tzinfo, ctx: Context) -> None:
    """A tenant's agreement fees of the month, drawn from the deposit once a month (rule
    billing.tenant-agreement-deposit).

    A month the deposit cannot pay is left undrawn, not refused: the close goes on for
    every other account, and a rerun after the tenant tops up draws it.
    """
    if not account.is_open:
        return
    rule = ctx.policies.deposit_rule(account)
    for agreement in ctx.uow.agreements.for_account(account.id):
        fees = agreement.fees_for(close.period, tz)
        if not fees:
            continue
        amount = total((fee for _text, fee in fees), account.currency)
        if not account.can_draw(amount, rule):
            continue
        account.draw_fee(
            amount,
            reference=f"agreement:{agreement.id}:{close.period}",
            rule=rule,
            at=ctx.now,
        )
        agreement.draw(close.period, amount, at=ctx.now)


# --- agreements ----------------------------------------------------------------------------------


def sign_agreement(cmd: b.SignAgreement, ctx: Context) -> str:
    account = ctx.uow.accounts.get(cmd.account_id)
    from_deposit = account.mode is BillingMode.DEPOSIT and ctx.policies.agreement_from_deposit(
        account
    )
    if not account.is_open or (account.mode is not BillingMode.ON_ACCOUNT and not from_deposit):
        raise IllegalTransition(
            _(
                "Account {id} is not an open account billed monthly, nor a tenant's whose "
                "deposit may pay an agreement."
            ),
            code="account.illegal_transition",
            id=account.id,
        )
    ctx.uow.items.get(cmd.item_id).ensure_orderable()
    if cmd.start < Period.of(ctx.now, ctx.policies.calendar().tz):
        raise InvalidValue(
            _("An agreement starts this month or later, not in {start}."),
            code="billing.invalid",
            start=cmd.start,
        )
    for fee in (cmd.terms.monthly_fee, cmd.terms.visit_fee):
        if fee is not None:
            account.check_amount(fee)
    agreement = Agreement.sign(
        cmd.agreement_id or AgreementId(ctx.new_id()),
        account_id=account.id,
        item_id=cmd.item_id,
        terms=cmd.terms,
        start=cmd.start,
        at=ctx.now,
    )
    ctx.uow.agreements.add(agreement)
    return agreement.id.value


def record_agreement_visit(cmd: b.RecordAgreementVisit, ctx: Context) -> str:
    agreement = ctx.uow.agreements.get(cmd.agreement_id)
    agreement.record_visit(at=ctx.now, tz=ctx.policies.calendar().tz)
    return agreement.id.value


def end_agreement(cmd: b.EndAgreement, ctx: Context) -> str:
    ctx.uow.agreements.get(cmd.agreement_id).end(cmd.last, at=ctx.now)
    return cmd.agreement_id.value


# --- invoices and receipt books ------------------------------------------------------------------


def request_invoice(cmd: b.RequestInvoice, ctx: Context) -> str:
    charge = ctx.uow.charges.get(cmd.charge_id)
    if charge.status is not ChargeStatus.CONFIRMED or charge.reverses is not None:
        raise IllegalTransition(
            _("Charge {id} is not a confirmed charge; no invoice for it."),
            code="charge.illegal_transition",
            id=charge.id,
        )
    invoice_id = InvoiceId(charge.id.value)
    if ctx.uow.invoices.find(invoice_id) is not None:
        raise IllegalTransition(
            _("Charge {id} already has an invoice."), code="charge.illegal_transition", id=charge.id
        )
    invoice = Invoice.request(
        invoice_id,
        charge_id=charge.id,
        request_id=charge.request_id,
        amount=charge.amount,
        deadline=ctx.policies.invoice_deadline(ctx.now, ctx.policies.calendar()),
        at=ctx.now,
    )
    ctx.uow.invoices.add(invoice)
    return invoice_id.value


def issue_invoice(cmd: b.IssueInvoice, ctx: Context) -> str:
    ctx.uow.invoices.get(cmd.invoice_id).issue(cmd.number, at=ctx.now)
    return cmd.invoice_id.value


def deliver_invoice(cmd: b.DeliverInvoice, ctx: Context) -> str:
    ctx.uow.invoices.get(cmd.invoice_id).deliver(at=ctx.now)
    return cmd.invoice_id.value


def issue_receipt_book(cmd: b.IssueReceiptBook, ctx: Context) -> str:
    book = ReceiptBook.issue(
        cmd.book_id, collector=cmd.collector, first=cmd.first, last=cmd.last, at=ctx.now
    )
    ctx.uow.receipt_books.add(book)
    return book.id.value


def return_stubs(cmd: b.ReturnStubs, ctx: Context) -> str:
    ctx.uow.receipt_books.get(cmd.book_id).return_stubs(cmd.written, at=ctx.now)
    return cmd.book_id.value
