"""The tenant's DATEV settings: Beraternummer, Mandantennummer and Sachkontenlänge, which the
DATEV export writes into every file's header (formats.md §1.2). WJ-Beginn is the tenant's
fiscal year start.

The Sachkontenlänge must fit the books: DATEV reads Sachkonten with that many digits at most
and Personenkonten (customers, vendors) with exactly one digit more. The export checks the
accounts it actually writes (`projections/exports/datev.py`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Final

from ledger import errors
from ledger.chart import PERSONENKONTEN
from ledger.events import DatevSettingsChanged
from ledger.intents import SetDatevSettings, stamp_of
from ledger.outcomes import Accepted, Decision

if TYPE_CHECKING:
    from ledger.state import TenantState

BERATER_RANGE: Final = range(1001, 10_000_000)
MANDANT_RANGE: Final = range(1, 100_000)
ACCOUNT_LENGTH_RANGE: Final = range(4, 9)


def change(state: TenantState, intent: SetDatevSettings, now: datetime) -> Decision:
    for value, allowed, name in (
        (intent.berater_number, BERATER_RANGE, "berater_number"),
        (intent.mandant_number, MANDANT_RANGE, "mandant_number"),
        (intent.account_length, ACCOUNT_LENGTH_RANGE, "account_length"),
    ):
        if value not in allowed:
            raise errors.InvalidInput(
                f"{name} must be from {allowed.start} to {allowed.stop - 1}.", **{name: value}
            )
    assert state.tenant is not None
    length = intent.account_length
    ranges = PERSONENKONTEN[state.tenant.account_framework]
    personal_digits = len(str(ranges.customers.first))
    if length + 1 != personal_digits:
        raise errors.InvalidInput(
            f"Customer and vendor accounts here have {personal_digits} digits "
            f"({ranges.customers.first}-{ranges.vendors.last}), and DATEV reads Personenkonten "
            f"with one digit more than the Sachkontenlänge: it must be {personal_digits - 1}.",
            account_length=length,
        )
    current = state.datev
    if current is not None and (
        current.berater_number,
        current.mandant_number,
        current.account_length,
    ) == (intent.berater_number, intent.mandant_number, length):
        return Decision(events=(), result=Accepted(subject=str(intent.tenant_id)))
    event = DatevSettingsChanged(
        **stamp_of(intent, now),
        berater_number=intent.berater_number,
        mandant_number=intent.mandant_number,
        account_length=length,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.tenant_id)))
