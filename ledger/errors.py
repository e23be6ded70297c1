"""Refusals: one class per broken rule, each with the API's UPPER_SNAKE code.

The ledger knows codes, never HTTP statuses (`api/errors.py` holds the only code -> status
table). Inside a batch a refusal is a value: the writer catches it and answers that intent
alone. When several rules fail, the first one checked wins; `ledger/decide.py` checks in the
order documented in docs/api.md ("Order of checks").
"""

from __future__ import annotations

from typing import Any, ClassVar


class Rejected(Exception):
    """An intent the ledger refuses. Nothing of it is stored."""

    code: ClassVar[str] = "INVALID_INPUT"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(Rejected):
    code = "INVALID_INPUT"


class NotFound(Rejected):
    code = "NOT_FOUND"


class AccountNotFound(Rejected):
    code = "ACCOUNT_NOT_FOUND"


class AccountsNotFound(Rejected):
    code = "ACCOUNTS_NOT_FOUND"


class AccountInactive(Rejected):
    code = "ACCOUNT_INACTIVE"


class DuplicateAccount(Rejected):
    code = "DUPLICATE_ACCOUNT"


class BalanceMismatch(Rejected):
    code = "BALANCE_MISMATCH"


class InvalidTaxCode(Rejected):
    code = "INVALID_TAX_CODE"


class MixedTaxModes(Rejected):
    code = "MIXED_TAX_MODES"


class TaxCodeNotFound(Rejected):
    code = "TAX_CODE_NOT_FOUND"


class DuplicateTaxCode(Rejected):
    code = "DUPLICATE_TAX_CODE"


class SystemTaxCodeDeleteForbidden(Rejected):
    code = "SYSTEM_TAX_CODE_DELETE_FORBIDDEN"


class NoChanges(Rejected):
    code = "NO_CHANGES"


class FxMismatch(Rejected):
    code = "FX_AMOUNT_MISMATCH"


class FxSelfAssessmentUnsupported(Rejected):
    code = "FX_SELF_ASSESSMENT_UNSUPPORTED"


class InvalidAdjustmentPeriod(Rejected):
    code = "INVALID_ADJUSTMENT_PERIOD"


class InvalidIban(Rejected):
    code = "INVALID_IBAN"


class InvalidBic(Rejected):
    code = "INVALID_BIC"


class InvalidVatId(Rejected):
    code = "INVALID_VAT_ID"


class InvalidAccountType(Rejected):
    code = "INVALID_ACCOUNT_TYPE"


class DuplicateName(Rejected):
    code = "DUPLICATE_NAME"


class DuplicateTaxId(Rejected):
    code = "DUPLICATE_TAX_ID"


class DuplicateVatId(Rejected):
    code = "DUPLICATE_VAT_ID"


class CustomerNotFound(Rejected):
    code = "CUSTOMER_NOT_FOUND"


class VendorNotFound(Rejected):
    code = "VENDOR_NOT_FOUND"


class DuplicateInvoiceNumber(Rejected):
    code = "DUPLICATE_INVOICE_NUMBER"


class InvoiceTotalsMismatch(Rejected):
    code = "INVOICE_TOTALS_MISMATCH"


class IntentAlreadySet(Rejected):
    code = "INTENT_ALREADY_SET"


class AccountAlreadyLinked(Rejected):
    code = "ACCOUNT_ALREADY_LINKED"


class DuplicateIban(Rejected):
    code = "DUPLICATE_IBAN"


class BankAccountNotFound(Rejected):
    code = "BANK_ACCOUNT_NOT_FOUND"


class InvoiceNotFound(Rejected):
    code = "INVOICE_NOT_FOUND"


class VendorIbanMissing(Rejected):
    code = "VENDOR_IBAN_MISSING"


class InvoiceAlreadyInActiveRun(Rejected):
    code = "INVOICE_ALREADY_IN_ACTIVE_RUN"


class InvalidStateTransition(Rejected):
    code = "INVALID_STATE_TRANSITION"


class TxNotFound(Rejected):
    code = "TX_NOT_FOUND"


class TxNotZero(Rejected):
    code = "TX_NOT_ZERO"


class TxAlreadyHandled(Rejected):
    code = "TX_ALREADY_HANDLED"


class DirectionMismatch(Rejected):
    code = "DIRECTION_MISMATCH"


class SettlementExceedsOpenAmount(Rejected):
    code = "SETTLEMENT_EXCEEDS_OPEN_AMOUNT"


class TargetNotFound(Rejected):
    code = "TARGET_NOT_FOUND"


class UnsupportedSettlementCurrency(Rejected):
    code = "UNSUPPORTED_SETTLEMENT_CURRENCY"


class TargetAmbiguous(Rejected):
    code = "TARGET_AMBIGUOUS"


class ReconciledSettlement(Rejected):
    code = "RECONCILED_SETTLEMENT"


class TargetAlreadyLinked(Rejected):
    code = "TARGET_ALREADY_LINKED"


class MixedSettlementCurrency(Rejected):
    code = "MIXED_SETTLEMENT_CURRENCY"


class FxDifferenceTooLarge(Rejected):
    code = "FX_DIFFERENCE_TOO_LARGE"


class BankTxMixedBankAccounts(Rejected):
    code = "BANK_TX_MIXED_BANK_ACCOUNTS"


class GroupNotBalanced(Rejected):
    code = "GROUP_NOT_BALANCED"


class SettledDocumentAmountRequired(Rejected):
    code = "SETTLED_DOCUMENT_AMOUNT_REQUIRED"


class TargetKindUnsupported(Rejected):
    code = "TARGET_KIND_UNSUPPORTED"


class AdjustmentAccountNotFound(Rejected):
    code = "ADJUSTMENT_ACCOUNT_NOT_FOUND"


class InvalidFileType(Rejected):
    code = "INVALID_FILE_TYPE"


class EmptyFile(Rejected):
    code = "EMPTY_FILE"


class FileTooLarge(Rejected):
    code = "FILE_TOO_LARGE"


class MimeMismatch(Rejected):
    code = "MIME_MISMATCH"


class DocumentNotFound(Rejected):
    code = "DOCUMENT_NOT_FOUND"


class DuplicateSuspected(Rejected):
    code = "DUPLICATE_SUSPECTED"


class IdempotencyKeyReused(Rejected):
    code = "IDEMPOTENCY_KEY_REUSED"


class AlreadyReversed(Rejected):
    code = "ALREADY_REVERSED"


class PeriodLocked(Rejected):
    code = "PERIOD_LOCKED"


class PeriodAlreadySoftLocked(Rejected):
    code = "PERIOD_ALREADY_SOFT_LOCKED"


class PeriodAlreadyLocked(Rejected):
    code = "PERIOD_ALREADY_LOCKED"


class PeriodIrreversible(Rejected):
    code = "PERIOD_IRREVERSIBLE"


class LockRequestPending(Rejected):
    code = "LOCK_REQUEST_PENDING"


class RequestNotPending(Rejected):
    code = "REQUEST_NOT_PENDING"


class RequestExpired(Rejected):
    code = "REQUEST_EXPIRED"


class SelfApprovalDenied(Rejected):
    code = "SELF_APPROVAL_DENIED"


class InvalidBalanceEntry(Rejected):
    code = "INVALID_BALANCE_ENTRY"


class AccountTypeNotAllowed(Rejected):
    code = "ACCOUNT_TYPE_NOT_ALLOWED"


class Account9000Missing(Rejected):
    code = "ACCOUNT_9000_MISSING"


class OpeningBalancesExist(Rejected):
    code = "OPENING_BALANCES_EXIST"


class DuplicateEmail(Rejected):
    code = "DUPLICATE_EMAIL"


class UserNotFound(Rejected):
    code = "USER_NOT_FOUND"


class ApiKeyNotFound(Rejected):
    code = "API_KEY_NOT_FOUND"


class TenantNotFound(Rejected):
    code = "TENANT_NOT_FOUND"


class Overloaded(Rejected):
    """The tenant's queue is full: the caller should retry later (backpressure)."""

    code = "OVERLOADED"


# --- practice ------------------------------------------------------------------------------


class NotAPartnerFirm(Rejected):
    """The caller's entity is not an active partner firm: practice routes refuse it."""

    code = "NOT_A_PARTNER_FIRM"


class ClientNotFound(Rejected):
    code = "CLIENT_NOT_FOUND"


class TimeEntryNotFound(Rejected):
    code = "TIME_ENTRY_NOT_FOUND"


class TimeEntryInvoiced(Rejected):
    code = "TIME_ENTRY_INVOICED"


class TimeEntryOfOtherClient(Rejected):
    code = "TIME_ENTRY_OF_OTHER_CLIENT"


class TimeEntryNotBillable(Rejected):
    code = "TIME_ENTRY_NOT_BILLABLE"


class EngagementNotFound(Rejected):
    code = "ENGAGEMENT_NOT_FOUND"


class TaskNotFound(Rejected):
    code = "TASK_NOT_FOUND"


class ReportLinkNotFound(Rejected):
    code = "REPORT_LINK_NOT_FOUND"
