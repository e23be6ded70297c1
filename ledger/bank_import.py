"""Importing bank transactions: the content hash that finds duplicates, and the decision.

Whatever the format (JSON, camt.05x, MT940, CSV), a transaction is identified by what every
format carries: the bank account, the booking date, the signed amount with its currency and
the remittance text (upper-cased, white space collapsed). Identical rows inside one import are
told apart by their order (the second identical row hashes with `#2`), so importing the same
statement again — in any format — skips every row, while two equal card payments on one day
stay two transactions (docs/api.md, "Bank transactions").
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec

from ledger import errors
from ledger.events import (
    BankTransaction,
    BankTransactionEvidenceSet,
    BankTransactionsImported,
    BankTransactionStatusChanged,
)
from ledger.intents import (
    DismissBankTransaction,
    ImportBankTransactions,
    SetBankTransactionEvidence,
    stamp_of,
)
from ledger.outcomes import Accepted, Decision, ImportCounted, RowProblem

if TYPE_CHECKING:
    from ledger.state import Lookups, TenantState

_SPACES = re.compile(r"\s+")


def content_key(
    bank_account_id: UUID, tx_date: str, amount_cents: int, currency: str, reference: str | None
) -> str:
    text = _SPACES.sub(" ", (reference or "").upper()).strip()
    return f"{bank_account_id}|{tx_date}|{amount_cents}|{currency}|{text}"


def content_hashes(keys: Iterable[str]) -> list[str]:
    """SHA-256 of each key; the n-th repeat of a key within the import hashes with `#n`."""
    seen: Counter[str] = Counter()
    hashes = []
    for key in keys:
        seen[key] += 1
        suffix = "" if seen[key] == 1 else f"#{seen[key]}"
        hashes.append(hashlib.sha256(f"{key}{suffix}".encode()).hexdigest())
    return hashes


def decide_import(
    state: TenantState, lookups: Lookups, intent: ImportBankTransactions, now: datetime
) -> Decision:
    account = state.bank_accounts.get(intent.bank_account_id)
    if account is None:
        raise errors.BankAccountNotFound(
            "No bank account with this id exists.", bank_account_id=str(intent.bank_account_id)
        )
    problems = tuple(
        RowProblem(
            index=index,
            code="CURRENCY_MISMATCH",
            message=f"The row is in {tx.currency}; {account.name} keeps {account.currency}.",
        )
        for index, tx in enumerate(intent.transactions)
        if tx.currency != account.currency
    )
    refused = {problem.index for problem in problems}
    rows = [tx for index, tx in enumerate(intent.transactions) if index not in refused]
    known = lookups.bank_tx_hashes
    new = tuple(tx for tx in rows if tx.content_hash not in known)
    known.update(tx.content_hash for tx in new)
    skipped = len(rows) - len(new)
    events: tuple[BankTransactionsImported, ...] = ()
    if new:
        events = (
            BankTransactionsImported(
                **stamp_of(intent, now),
                batch_id=intent.batch_id,
                bank_account_id=intent.bank_account_id,
                source=intent.source,
                transactions=new,
                skipped_duplicates=skipped,
            ),
        )
    result = ImportCounted(
        batch_id=intent.batch_id, imported=len(new), skipped_duplicates=skipped, errors=problems
    )
    return Decision(events=events, result=result)


class ParsedRow(msgspec.Struct, frozen=True, kw_only=True):
    """A transaction as a parser (JSON, camt, MT940, CSV) read it, before it is hashed."""

    tx_date: date
    amount_cents: int
    currency: str = "EUR"
    value_date: date | None = None
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    reference: str | None = None
    bank_reference: str | None = None
    end_to_end_id: str | None = None
    tx_type: str | None = None


def transactions_of(bank_account_id: UUID, rows: list[ParsedRow]) -> tuple[BankTransaction, ...]:
    """The rows as transactions with fresh ids and their content hashes."""
    keys = [
        content_key(
            bank_account_id, row.tx_date.isoformat(), row.amount_cents, row.currency, row.reference
        )
        for row in rows
    ]
    return tuple(
        BankTransaction(
            tx_id=uuid.uuid4(),
            content_hash=content_hash,
            **msgspec.structs.asdict(row),
        )
        for row, content_hash in zip(rows, content_hashes(keys), strict=True)
    )


class KnownBankTx(msgspec.Struct, kw_only=True):
    """A bank transaction as deciding a change needs it; `version` is its stream's (0: no
    change yet; the import is in the batch's stream)."""

    amount_cents: int
    status: str
    bank_account_id: UUID
    currency: str
    tx_date: date
    reference: str | None = None
    document_id: UUID | None = None
    note: str | None = None
    version: int = 0
    match_group_id: UUID | None = None


def decide_evidence(
    lookups: Lookups, intent: SetBankTransactionEvidence, now: datetime
) -> Decision:
    known = lookups.bank_txs.get(intent.tx_id)
    if known is None:
        raise errors.NotFound("No bank transaction with this id exists.", id=str(intent.tx_id))
    document_id = intent.changes.get("document_id", known.document_id)
    named = "document_id" in intent.changes and document_id is not None
    if named and document_id not in lookups.document_ids:
        raise errors.DocumentNotFound(
            "The document does not exist in this tenant.", document_id=str(document_id)
        )
    note = intent.changes.get("note", known.note)
    if (document_id, note) == (known.document_id, known.note):
        raise errors.NoChanges("The request changes nothing.", id=str(intent.tx_id))
    known.document_id, known.note, known.version = document_id, note, known.version + 1
    event = BankTransactionEvidenceSet(
        **stamp_of(intent, now),
        tx_id=intent.tx_id,
        version=known.version,
        document_id=document_id,
        note=note,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.tx_id)))


def decide_dismiss(lookups: Lookups, intent: DismissBankTransaction, now: datetime) -> Decision:
    """A zero-amount line (a notice, a fee waived) needs no reconciliation: set it aside."""
    known = lookups.bank_txs.get(intent.tx_id)
    if known is None:
        raise errors.TxNotFound("No bank transaction with this id exists.", id=str(intent.tx_id))
    if known.amount_cents != 0:
        raise errors.TxNotZero(
            "Only a transaction of 0.00 can be dismissed; reconcile the others.",
            id=str(intent.tx_id),
        )
    if known.status != "unreconciled":
        raise errors.TxAlreadyHandled(
            f"The transaction is already {known.status}.", id=str(intent.tx_id)
        )
    known.status, known.version = "excluded", known.version + 1
    event = BankTransactionStatusChanged(
        **stamp_of(intent, now), tx_id=intent.tx_id, version=known.version, status="excluded"
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.tx_id)))
