"""Customers (Debitoren) and vendors (Kreditoren): master records with a personal account.

Each party gets a DATEV Personenkonto — customers from 10000, vendors from 70000 — so that what
a customer owes or a vendor is owed is the balance of an account the journal already keeps
(docs/api.md, "Customers and vendors"). IBAN and BIC are checked with schwifty, VAT IDs with
python-stdnum (format and check digits, no network).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final
from uuid import UUID

import msgspec
import schwifty
from schwifty.exceptions import SchwiftyException
from stdnum import exceptions as stdnum_exceptions
from stdnum.eu import vat

from ledger import errors
from ledger.chart import PERSONENKONTEN
from ledger.events import (
    AccountCreated,
    AccountRenamed,
    AccountSpec,
    Address,
    Event,
    PartyChanged,
    PartyDeactivated,
    PartyDetails,
    PartyKind,
    PartyRegistered,
)
from ledger.intents import ChangeParty, DeactivateParty, RegisterParty, stamp_of
from ledger.outcomes import Accepted, Decision

if TYPE_CHECKING:
    from ledger.state import TenantState

# What the personal account of each kind is, in the balance sheet (same as the collective
# accounts 1200/3300 in SKR04, 1400/1600 in SKR03).
PERSONAL_ACCOUNT: Final = {
    "customer": ("asset", "Forderungen aus Lieferungen und Leistungen", "receivables"),
    "vendor": ("liability", "Verbindlichkeiten aus Lieferungen und Leistungen", "payables"),
}
DEFAULT_ACCOUNT_TYPE: Final = {"customer": "revenue", "vendor": "expense"}
WORD: Final = {"customer": "customer", "vendor": "vendor"}


@dataclass
class Party:
    kind: PartyKind
    account_number: str
    details: PartyDetails
    is_active: bool = True


def apply_party_event(parties: dict[UUID, Party], event: Event) -> None:
    match event:
        case PartyRegistered():
            parties[event.party_id] = Party(event.kind, event.account_number, event.details)
        case PartyChanged():
            parties[event.party_id].details = event.details
        case PartyDeactivated():
            parties[event.party_id].is_active = False


def register(state: TenantState, intent: RegisterParty, now: datetime) -> Decision:
    details = normalised(state, intent.kind, intent.details)
    _require_unique(state, intent.kind, details, ignore=None)
    number = _next_account_number(state, intent.kind)
    account_type, category, report_group = PERSONAL_ACCOUNT[intent.kind]
    account = AccountSpec(
        number=number,
        name=details.name,
        type=account_type,  # type: ignore[arg-type]
        category=category,
        report_group=report_group,
    )
    stamp = stamp_of(intent, now)
    events = (
        AccountCreated(**stamp, account=account),
        PartyRegistered(
            **stamp,
            party_id=intent.party_id,
            kind=intent.kind,
            account_number=number,
            details=details,
        ),
    )
    return Decision(events=events, result=Accepted(subject=str(intent.party_id)))


def change(state: TenantState, intent: ChangeParty, now: datetime) -> Decision:
    party = _existing(state, intent.party_id, intent.kind)
    unknown = set(intent.changes) - set(PartyDetails.__struct_fields__)
    assert not unknown, f"not party fields: {unknown}"
    if "name" in intent.changes and intent.changes["name"] is None:
        raise errors.InvalidInput("name cannot be cleared.", field="name")
    merged = msgspec.structs.replace(party.details, **intent.changes)
    details = normalised(state, intent.kind, merged)
    if details == party.details:
        raise errors.NoChanges("The request changes nothing.", id=str(intent.party_id))
    _require_unique(state, intent.kind, details, ignore=intent.party_id)
    stamp = stamp_of(intent, now)
    events: list[Event] = [
        PartyChanged(**stamp, party_id=intent.party_id, kind=intent.kind, details=details)
    ]
    if details.name != party.details.name:
        events.append(AccountRenamed(**stamp, number=party.account_number, name=details.name))
    return Decision(events=tuple(events), result=Accepted(subject=str(intent.party_id)))


def deactivate(state: TenantState, intent: DeactivateParty, now: datetime) -> Decision:
    party = _existing(state, intent.party_id, intent.kind)
    if not party.is_active:
        return Decision(events=(), result=Accepted(subject=str(intent.party_id)))
    event = PartyDeactivated(**stamp_of(intent, now), party_id=intent.party_id, kind=intent.kind)
    return Decision(events=(event,), result=Accepted(subject=str(intent.party_id)))


def normalised(state: TenantState, kind: PartyKind, details: PartyDetails) -> PartyDetails:
    """Check every field a rule covers; IBAN, BIC and VAT ID in their compact form."""
    return msgspec.structs.replace(
        details,
        name=details.name.strip(),
        iban=None if details.iban is None else normalised_iban(details.iban),
        bic=None if details.bic is None else normalised_bic(details.bic),
        vat_id=None if details.vat_id is None else normalised_vat_id(details.vat_id),
        address=_normalised_address(details.address),
        default_account=_checked_default_account(state, kind, details.default_account),
    )


def normalised_iban(text: str) -> str:
    try:
        return schwifty.IBAN(text).compact
    except SchwiftyException as error:
        raise errors.InvalidIban(f"IBAN {text!r} is not valid: {error}.", iban=text) from None


def normalised_bic(text: str) -> str:
    try:
        return schwifty.BIC(text).compact
    except SchwiftyException as error:
        raise errors.InvalidBic(f"BIC {text!r} is not valid: {error}.", bic=text) from None


def normalised_vat_id(text: str) -> str:
    try:
        return vat.validate(text)
    except stdnum_exceptions.ValidationError as error:
        raise errors.InvalidVatId(
            f"VAT ID {text!r} is not valid: {error.message}", vat_id=text
        ) from None


def _normalised_address(address: Address | None) -> Address | None:
    if address is None:
        return None
    country = address.country.upper() if address.country else None
    cleaned = msgspec.structs.replace(address, country=country)
    return None if cleaned == Address() else cleaned


def _checked_default_account(state: TenantState, kind: PartyKind, number: str | None) -> str | None:
    if number is None:
        return None
    account = state.accounts.get(number)
    if account is None:
        raise errors.AccountNotFound(f"Account {number} does not exist.", account_number=number)
    expected = DEFAULT_ACCOUNT_TYPE[kind]
    if account.type != expected:
        raise errors.InvalidAccountType(
            f"The default account of a {WORD[kind]} must be a {expected} account; "
            f"{number} ({account.name}) is {account.type}.",
            account_number=number,
            expected_type=expected,
        )
    return number


def _require_unique(
    state: TenantState, kind: PartyKind, details: PartyDetails, ignore: UUID | None
) -> None:
    """Name (case-insensitive), tax number and VAT ID are unique among active parties of a kind."""
    for party_id, party in state.parties.items():
        if party_id == ignore or party.kind != kind or not party.is_active:
            continue
        other = party.details
        if other.name.casefold() == details.name.casefold():
            raise errors.DuplicateName(
                f"A {WORD[kind]} named {other.name!r} already exists.", existing_id=str(party_id)
            )
        if details.tax_id and other.tax_id == details.tax_id:
            raise errors.DuplicateTaxId(
                f"{other.name} already has tax number {details.tax_id}.",
                existing_id=str(party_id),
            )
        if details.vat_id and other.vat_id == details.vat_id:
            raise errors.DuplicateVatId(
                f"{other.name} already has VAT ID {details.vat_id}.", existing_id=str(party_id)
            )


def _next_account_number(state: TenantState, kind: PartyKind) -> str:
    """The lowest free number of the kind's Personenkonten range."""
    assert state.tenant is not None
    ranges = PERSONENKONTEN[state.tenant.account_framework]
    numbers = ranges.customers if kind == "customer" else ranges.vendors
    used = {int(n) for n in state.accounts if numbers.contains(n)}
    for candidate in range(numbers.first, numbers.last + 1):
        if candidate not in used:
            return str(candidate)
    raise errors.InvalidInput(
        f"All {WORD[kind]} accounts {numbers.first}-{numbers.last} are in use."
    )


def _existing(state: TenantState, party_id: UUID, kind: PartyKind) -> Party:
    party = state.parties.get(party_id)
    if party is None or party.kind != kind:
        raise errors.NotFound(f"No {WORD[kind]} with this id exists.", id=str(party_id))
    return party
