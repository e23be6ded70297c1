"""Customers (`/v1/customers`, scope debitoren) and vendors (`/v1/vendors`, scope kreditoren):
the same five routes over one kind of master record each."""

# No `from __future__ import annotations`: the list route's return type is the page type of
# its kind, a local of `routes_for`, which Litestar must see as a class, not a name.
import uuid
from typing import Annotated, Any

import msgspec
from litestar import delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from ledger.events import Address, PartyDetails, PartyKind
from ledger.intents import ChangeParty, DeactivateParty, RegisterParty
from ledger.money import cents_to_decimal
from projections import parties as party_queries
from schemas import limits
from schemas.parties import (
    AddressIn,
    AddressOut,
    CustomersOut,
    PartyIn,
    PartyOut,
    PartyPutIn,
    VendorsOut,
)

SearchQuery = Annotated[str | None, QueryParameter(name="search", max_length=100)]
ActiveQuery = Annotated[bool | None, QueryParameter(name="is_active")]
LimitQuery = Annotated[int, QueryParameter(name="limit", ge=1, le=limits.PARTIES_PAGE_MAX)]
OffsetQuery = Annotated[int, QueryParameter(name="offset", ge=0, le=100_000)]


NO_ADDRESS = AddressOut(street=None, building_number=None, zip=None, city=None, country=None)


def _address(address: AddressIn | None) -> Address | None:
    return None if address is None else Address(**msgspec.structs.asdict(address))


def _out(row: Any) -> PartyOut:
    address = AddressOut(
        street=row["street"],
        building_number=row["building_number"],
        zip=row["zip"],
        city=row["city"],
        country=row["country"],
    )
    sign = 1 if row["kind"] == "customer" else -1  # a vendor's credit balance is what we owe
    return PartyOut(
        id=row["id"],
        account_number=row["account_number"],
        name=row["name"],
        tax_id=row["tax_id"],
        vat_id=row["vat_id"],
        iban=row["iban"],
        bic=row["bic"],
        address=None
        if address == AddressOut(**dict.fromkeys(AddressOut.__struct_fields__))
        else address,
        default_account=row["default_account"],
        notes=row["notes"],
        is_active=row["is_active"],
        open_amount=cents_to_decimal(sign * row["balance_cents"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def _read(ledger: Ledger, caller: Caller, kind: PartyKind, party_id: uuid.UUID) -> PartyOut:
    async with ledger.pool.acquire() as conn:
        row = await party_queries.party(conn, caller.tenant_id, kind, party_id)
    if row is None:
        raise ApiError("NOT_FOUND", f"No {kind} with this id exists.", id=str(party_id))
    return _out(row)


def routes_for(kind: PartyKind, path: str, module: str, label: str) -> list[Any]:
    """The five routes of one kind: list, create, read, partial update, deactivate."""
    tags = [label]
    list_out = CustomersOut if kind == "customer" else VendorsOut
    name = label[:-1]  # Customers -> Customer

    @get(f"/{path}", operation_id=f"Get{label}", opt={"scope": f"{module}:read"}, tags=tags)
    async def list_parties(
        caller: NamedDependency[Caller],
        ledger: NamedDependency[Ledger],
        search: SearchQuery = None,
        is_active: ActiveQuery = None,
        limit: LimitQuery = limits.PARTIES_PAGE_DEFAULT,
        offset: OffsetQuery = 0,
    ) -> list_out:  # type: ignore[valid-type]
        async with ledger.pool.acquire() as conn:
            rows, total = await party_queries.parties(
                conn,
                caller.tenant_id,
                kind,
                search=search.strip() if search else None,
                is_active=is_active,
                limit=limit,
                offset=offset,
            )
        return list_out(
            **{path: [_out(row) for row in rows]}, total=total, limit=limit, offset=offset
        )

    @post(
        f"/{path}",
        operation_id=f"Post{name}",
        opt={"scope": f"{module}:write"},
        status_code=201,
        tags=tags,
    )
    async def create_party(
        data: JSONBody[PartyIn], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
    ) -> PartyOut:
        party_id = uuid.uuid4()
        details = PartyDetails(
            name=data.name,
            tax_id=data.tax_id,
            vat_id=data.vat_id,
            iban=data.iban,
            bic=data.bic,
            address=_address(data.address),
            default_account=data.default_account,
            notes=data.notes,
        )
        await ledger.writers.submit_one(
            RegisterParty(**caller.stamp(), party_id=party_id, kind=kind, details=details)
        )
        return await _read(ledger, caller, kind, party_id)

    @get(
        f"/{path}/{{party_id:str}}",
        operation_id=f"Get{name}",
        opt={"scope": f"{module}:read"},
        tags=tags,
    )
    async def get_party(
        party_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
    ) -> PartyOut:
        return await _read(ledger, caller, kind, convert.require_uuid(party_id, kind))

    @put(
        f"/{path}/{{party_id:str}}",
        operation_id=f"Put{name}",
        opt={"scope": f"{module}:write"},
        tags=tags,
    )
    async def update_party(
        party_id: FromPath[str],
        data: JSONBody[PartyPutIn],
        caller: NamedDependency[Caller],
        ledger: NamedDependency[Ledger],
    ) -> PartyOut:
        """Partial update: absent fields stay, `null` clears; `address` is replaced whole."""
        parsed = convert.require_uuid(party_id, kind)
        changes = {
            field: _address(value) if field == "address" else value
            for field, value in convert.given_fields(data).items()
        }
        await ledger.writers.submit_one(
            ChangeParty(**caller.stamp(), party_id=parsed, kind=kind, changes=changes)
        )
        return await _read(ledger, caller, kind, parsed)

    @delete(
        f"/{path}/{{party_id:str}}",
        operation_id=f"Delete{name}",
        opt={"scope": f"{module}:write"},
        status_code=200,
        tags=tags,
    )
    async def deactivate_party(
        party_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
    ) -> PartyOut:
        """Deactivate (nothing is deleted: postings keep their party and personal account)."""
        parsed = convert.require_uuid(party_id, kind)
        await ledger.writers.submit_one(
            DeactivateParty(**caller.stamp(), party_id=parsed, kind=kind)
        )
        return await _read(ledger, caller, kind, parsed)

    list_parties.__doc__ = f"{label}, by name; `search` matches name or VAT ID."
    create_party.__doc__ = (
        f"Register a {kind} with its personal account; duplicate name, tax number or VAT ID "
        "answer 409 with the existing id."
    )
    get_party.__doc__ = f"One {kind} with its open amount."
    return [list_parties, create_party, get_party, update_party, deactivate_party]


ROUTES = [
    *routes_for("customer", "customers", "debitoren", "Customers"),
    *routes_for("vendor", "vendors", "kreditoren", "Vendors"),
]
