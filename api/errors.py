"""The only code -> HTTP status table, and the handlers that write the error envelope."""

from __future__ import annotations

import logging
from typing import Any, Final

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from api.responses import LedgerResponse
from ledger.errors import Rejected
from ledger.writer import StoreUnavailable
from schemas.auth import NO_CONTROL_PATTERN
from schemas.journal import ACCOUNT_NUMBER_PATTERN, NO_NUL_PATTERN, TAX_CODE_PATTERN
from schemas.users import EMAIL_PATTERN

log = logging.getLogger(__name__)

STATUS_OF_CODE: Final[dict[str, int]] = {
    "INVALID_INPUT": 400,
    "UNAUTHORIZED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "ACCOUNT_NOT_FOUND": 400,
    "ACCOUNTS_NOT_FOUND": 400,
    "ACCOUNT_INACTIVE": 400,
    "DUPLICATE_ACCOUNT": 409,
    "BALANCE_MISMATCH": 400,
    "INVALID_TAX_CODE": 400,
    "MIXED_TAX_MODES": 400,
    "TAX_CODE_NOT_FOUND": 404,
    "DUPLICATE_TAX_CODE": 409,
    "SYSTEM_TAX_CODE_DELETE_FORBIDDEN": 400,
    "NO_CHANGES": 400,
    "FX_AMOUNT_MISMATCH": 400,
    "FX_SELF_ASSESSMENT_UNSUPPORTED": 422,
    "INVALID_ADJUSTMENT_PERIOD": 400,
    "DOCUMENT_NOT_FOUND": 400,
    "INVALID_IBAN": 400,
    "INVALID_BIC": 400,
    "INVALID_VAT_ID": 400,
    "INVALID_ACCOUNT_TYPE": 400,
    "DUPLICATE_NAME": 409,
    "DUPLICATE_TAX_ID": 409,
    "DUPLICATE_VAT_ID": 409,
    "CUSTOMER_NOT_FOUND": 404,
    "VENDOR_NOT_FOUND": 404,
    "DUPLICATE_INVOICE_NUMBER": 409,
    "INVOICE_TOTALS_MISMATCH": 400,
    "INTENT_ALREADY_SET": 409,
    "ACCOUNT_ALREADY_LINKED": 409,
    "DUPLICATE_IBAN": 409,
    "BANK_ACCOUNT_NOT_FOUND": 404,
    "INVOICE_NOT_FOUND": 404,
    "VENDOR_IBAN_MISSING": 400,
    "INVOICE_ALREADY_IN_ACTIVE_RUN": 409,
    "INVALID_STATE_TRANSITION": 409,
    "STATEMENT_INVALID": 400,
    "DIRECTION_MISMATCH": 400,
    "SETTLEMENT_EXCEEDS_OPEN_AMOUNT": 400,
    "TARGET_NOT_FOUND": 404,
    "UNSUPPORTED_SETTLEMENT_CURRENCY": 422,
    "TARGET_AMBIGUOUS": 409,
    "TARGET_ALREADY_LINKED": 409,
    "RECONCILED_SETTLEMENT": 409,
    "DATEV_SETTINGS_MISSING": 422,
    "DATEV_EXPORT_INVALID": 422,
    "DATEV_EXPORT_TOO_LARGE": 422,
    "DATEV_FILE_INVALID": 400,
    "DATEV_IMPORT_INVALID": 422,
    "EINVOICE_INVALID": 400,
    "OCR_FAILED": 422,
    "FILE_NOT_FOUND": 404,
    "MAIL_INVALID": 400,
    "ALREADY_CONFIRMED": 409,
    "ALREADY_REJECTED": 409,
    "ALREADY_APPROVED": 409,
    "NOT_AN_INVOICE": 400,
    "VENDOR_REQUIRED": 400,
    "NO_LINE_ITEMS": 400,
    "EINVOICE_INCOMPLETE": 422,
    "TOO_MANY_ATTEMPTS": 429,
    "FIRM_NOT_FOUND": 404,
    "NOT_A_PARTNER_FIRM": 403,
    "CLIENT_NOT_FOUND": 404,
    "TIME_ENTRY_NOT_FOUND": 404,
    "TIME_ENTRY_INVOICED": 409,
    "TIME_ENTRY_OF_OTHER_CLIENT": 400,
    "TIME_ENTRY_NOT_BILLABLE": 400,
    "ENGAGEMENT_NOT_FOUND": 404,
    "TASK_NOT_FOUND": 404,
    "REPORT_LINK_NOT_FOUND": 404,
    "REPORT_LINK_GONE": 410,
    "RATE_LIMITED": 429,
    "INVALID_TOKEN": 400,
    "PASSWORD_POLICY": 400,
    "MIXED_SETTLEMENT_CURRENCY": 400,
    "FX_DIFFERENCE_TOO_LARGE": 400,
    "BANK_TX_MIXED_BANK_ACCOUNTS": 400,
    "GROUP_NOT_BALANCED": 400,
    "SETTLED_DOCUMENT_AMOUNT_REQUIRED": 400,
    "TARGET_KIND_UNSUPPORTED": 400,
    "ADJUSTMENT_ACCOUNT_NOT_FOUND": 404,
    "TX_NOT_FOUND": 404,
    "TX_NOT_ZERO": 400,
    "TX_ALREADY_HANDLED": 409,
    "INVALID_FILE_TYPE": 400,
    "EMPTY_FILE": 400,
    "FILE_TOO_LARGE": 400,
    "MIME_MISMATCH": 400,
    "DUPLICATE_SUSPECTED": 409,
    "IDEMPOTENCY_KEY_REUSED": 409,
    "ALREADY_REVERSED": 409,
    "PERIOD_LOCKED": 400,
    "PERIOD_ALREADY_SOFT_LOCKED": 409,
    "PERIOD_ALREADY_LOCKED": 409,
    "PERIOD_IRREVERSIBLE": 409,
    "LOCK_REQUEST_PENDING": 409,
    "REQUEST_NOT_PENDING": 409,
    "REQUEST_EXPIRED": 409,
    "SELF_APPROVAL_DENIED": 403,
    "INVALID_BALANCE_ENTRY": 400,
    "ACCOUNT_TYPE_NOT_ALLOWED": 400,
    "ACCOUNT_9000_MISSING": 400,
    "OPENING_BALANCES_EXIST": 409,
    "DUPLICATE_EMAIL": 409,
    "USER_NOT_FOUND": 404,
    "API_KEY_NOT_FOUND": 404,
    "TENANT_NOT_FOUND": 404,
    "BATCH_ITEM_FAILED": 400,
    "PAYLOAD_TOO_LARGE": 413,
    "METHOD_NOT_ALLOWED": 405,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "OVERLOADED": 503,
    "STORE_UNAVAILABLE": 503,
    "INTERNAL_ERROR": 500,
}
CODE_OF_HTTP_STATUS: Final[dict[int, str]] = {
    400: "INVALID_INPUT",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
    503: "STORE_UNAVAILABLE",
}


class ApiError(HTTPException):
    """An error raised by the HTTP layer itself (auth, path parameters) with its code."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(detail=message, status_code=STATUS_OF_CODE[code])
        self.code = code
        self.message = message
        self.details = details


def envelope(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    return LedgerResponse(
        {"error": {"code": code, "message": message, "details": details or {}}},
        status_code=status,
        headers=headers,
    )


def status_of(rejection: Rejected) -> int:
    return STATUS_OF_CODE.get(rejection.code, 400)


def rejected_handler(_: Request, exc: Rejected) -> Response[dict[str, Any]]:
    return envelope(status_of(exc), exc.code, exc.message, exc.details)


def api_error_handler(_: Request, exc: ApiError) -> Response[dict[str, Any]]:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else {}
    if "retry_after" in exc.details:  # 429: how long to wait, also as the standard header
        headers["Retry-After"] = str(exc.details["retry_after"])
    return envelope(exc.status_code, exc.code, exc.message, exc.details, headers or None)


def validation_handler(_: Request, exc: ValidationException) -> Response[dict[str, Any]]:
    problems = exc.extra if isinstance(exc.extra, list) else []
    message = "; ".join(_problem_text(p) for p in problems) or str(exc.detail)
    return envelope(400, "INVALID_INPUT", message, {"problems": problems})


# msgspec names the rule by its regex; say it in words a bookkeeper understands.
PATTERN_WORDS: Final = {
    f"matching regex {NO_NUL_PATTERN!r}": "without the NUL character (U+0000)",
    f"matching regex {ACCOUNT_NUMBER_PATTERN!r}": "of 1 to 8 digits (an account number)",
    f"matching regex {TAX_CODE_PATTERN!r}": "of letters, digits and '-' (a tax code)",
    f"matching regex {EMAIL_PATTERN!r}": "that is an e-mail address (name@domain.tld)",
    f"matching regex {NO_CONTROL_PATTERN!r}": "without control characters",
}


def _problem_text(problem: Any) -> str:
    if isinstance(problem, dict):
        text = str(problem.get("message", ""))
        for regex, words in PATTERN_WORDS.items():
            text = text.replace(regex, words)
        key = problem.get("key")
        return f"{key}: {text}" if key and key not in text else text
    return str(problem)


def http_error_handler(request: Request, exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    code = CODE_OF_HTTP_STATUS.get(status, "INVALID_INPUT" if status < 500 else "INTERNAL_ERROR")
    message = str(exc.detail)
    details: dict[str, Any] = {}
    if isinstance(exc, NotFoundException) and message == "Not Found":
        message = "No such resource."
    limit = request.route_handler.resolve_request_max_body_size() if status == 413 else None
    if limit:
        message = f"The request body is larger than this route takes ({limit:,} bytes)."
        details["max_bytes"] = limit
    return envelope(status, code, message, details, headers=exc.headers)


def undecodable_body_handler(_: Request, exc: UnicodeDecodeError) -> Response[dict[str, Any]]:
    """A JSON body that is not UTF-8: msgspec raises this, and Litestar lets it through."""
    return envelope(400, "INVALID_INPUT", "The request body is not valid UTF-8.")


def store_unavailable_handler(_: Request, exc: StoreUnavailable) -> Response[dict[str, Any]]:
    log.error("store unavailable: %s", exc)
    return envelope(
        503,
        "STORE_UNAVAILABLE",
        "The database is unavailable; retry shortly.",
        headers={"Retry-After": "1"},
    )


def internal_error_handler(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return envelope(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "INTERNAL_ERROR",
        "An internal error occurred; it has been logged.",
    )


EXCEPTION_HANDLERS: Final = {
    Rejected: rejected_handler,
    ApiError: api_error_handler,
    ValidationException: validation_handler,
    HTTPException: http_error_handler,
    StoreUnavailable: store_unavailable_handler,
    UnicodeDecodeError: undecodable_body_handler,
    Exception: internal_error_handler,
}
