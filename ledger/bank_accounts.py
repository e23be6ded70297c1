"""Bank accounts: an IBAN, linked 1:1 to an asset account of the chart, and the SEPA version
its payment runs are written in (docs/api.md, "Bank accounts")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final
from uuid import UUID

from ledger import errors
from ledger.events import BankAccountAdded, BankAccountChanged, Event, SepaVersion
from ledger.intents import AddBankAccount, ChangeBankAccount, stamp_of
from ledger.outcomes import Accepted, Decision
from ledger.parties import normalised_bic, normalised_iban

if TYPE_CHECKING:
    from ledger.state import TenantState

CHANGEABLE: Final = frozenset({"name", "bic", "sepa_version"})


@dataclass
class BankAccount:
    name: str
    iban: str
    bic: str | None
    account_number: str
    currency: str
    sepa_version: SepaVersion


def apply_bank_event(accounts: dict[UUID, BankAccount], event: Event) -> None:
    match event:
        case BankAccountAdded():
            accounts[event.bank_account_id] = BankAccount(
                event.name,
                event.iban,
                event.bic,
                event.account_number,
                event.currency,
                event.sepa_version,
            )
        case BankAccountChanged():
            account = accounts[event.bank_account_id]
            account.name, account.bic = event.name, event.bic
            account.sepa_version = event.sepa_version


def add(state: TenantState, intent: AddBankAccount, now: datetime) -> Decision:
    iban = normalised_iban(intent.iban)
    bic = None if intent.bic is None else normalised_bic(intent.bic)
    ledger_account = state.accounts.get(intent.account_number)
    if ledger_account is None:
        raise errors.AccountNotFound(
            f"Account {intent.account_number} does not exist.",
            account_number=intent.account_number,
        )
    if ledger_account.type != "asset":
        raise errors.InvalidAccountType(
            f"A bank account links to an asset account; {intent.account_number} "
            f"({ledger_account.name}) is {ledger_account.type}.",
            account_number=intent.account_number,
            expected_type="asset",
        )
    for existing_id, existing in state.bank_accounts.items():
        if existing.account_number == intent.account_number:
            raise errors.AccountAlreadyLinked(
                f"Account {intent.account_number} is already linked to {existing.name}.",
                existing_id=str(existing_id),
            )
        if existing.iban == iban:
            raise errors.DuplicateIban(
                f"{existing.name} already has IBAN {iban}.", existing_id=str(existing_id)
            )
    event = BankAccountAdded(
        **stamp_of(intent, now),
        bank_account_id=intent.bank_account_id,
        name=intent.name.strip(),
        iban=iban,
        bic=bic,
        account_number=intent.account_number,
        currency=intent.currency,
        sepa_version=intent.sepa_version,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.bank_account_id)))


def change(state: TenantState, intent: ChangeBankAccount, now: datetime) -> Decision:
    current = state.bank_accounts.get(intent.bank_account_id)
    if current is None:
        raise errors.NotFound(
            "No bank account with this id exists.", id=str(intent.bank_account_id)
        )
    assert set(intent.changes) <= CHANGEABLE, intent.changes
    changes = dict(intent.changes)
    if changes.get("bic") is not None:
        changes["bic"] = normalised_bic(changes["bic"])
    if "name" in changes:
        if changes["name"] is None or not changes["name"].strip():
            raise errors.InvalidInput("name cannot be cleared.", field="name")
        changes["name"] = changes["name"].strip()
    if "sepa_version" in changes and changes["sepa_version"] is None:
        raise errors.InvalidInput("sepa_version cannot be cleared.", field="sepa_version")
    before = (current.name, current.bic, current.sepa_version)
    after = (
        changes.get("name", current.name),
        changes.get("bic", current.bic),
        changes.get("sepa_version", current.sepa_version),
    )
    if after == before:
        raise errors.NoChanges("The request changes nothing.", id=str(intent.bank_account_id))
    event = BankAccountChanged(
        **stamp_of(intent, now),
        bank_account_id=intent.bank_account_id,
        name=after[0],
        bic=after[1],
        sepa_version=after[2],
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.bank_account_id)))
