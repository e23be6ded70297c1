"""Match groups (scope bank): n bank transactions settle m open items in one settlement
intent, with adjustments; read one; undo one as a whole."""

from __future__ import annotations

import uuid

import asyncpg
import msgspec
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from ledger.events import GroupAdjustment, GroupAllocation, Settlement
from ledger.intents import (
    CreateMatchGroup,
    GroupAdjustmentSpec,
    GroupAllocationSpec,
    UnmatchMatchGroup,
)
from ledger.money import cents_to_decimal
from schemas import limits
from schemas.match_groups import (
    AdjustmentOut,
    AllocationOut,
    MatchGroupCreatedOut,
    MatchGroupIn,
    MatchGroupOut,
    MatchGroupUnmatchedOut,
    SettlementOut,
)

TAGS = ["Bank"]
READ, WRITE = {"scope": "bank:read"}, {"scope": "bank:write"}
_allocations = msgspec.json.Decoder(tuple[GroupAllocation, ...])
_adjustments = msgspec.json.Decoder(tuple[GroupAdjustment, ...])
_settlements = msgspec.json.Decoder(tuple[Settlement, ...])


@post(
    "/bank-match-groups",
    operation_id="CreateBankMatchGroup",
    opt=WRITE,
    status_code=201,
    tags=TAGS,
    request_max_body_size=limits.LIST_BODY_BYTES_MAX,
)
async def create_group(
    data: JSONBody[MatchGroupIn], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> MatchGroupCreatedOut:
    """Reconcile transactions of one bank account and direction against open items: one
    settlement intent books the bank money, each item's cleared EUR value, realized FX
    differences and the adjustments (fees, Skonto, write-offs, rounding); it must balance."""
    group_id = uuid.uuid4()
    await ledger.writers.submit_one(
        CreateMatchGroup(
            **caller.stamp(),
            group_id=group_id,
            tx_ids=tuple(data.bank_transaction_ids),
            allocations=tuple(
                GroupAllocationSpec(
                    intent_id=a.intent_id,
                    candidate_kind=a.candidate_kind,
                    open_item_account=a.open_item_account,
                    allocated_bank_cents=convert.cents(a.allocated_bank_amount),
                    settled_document_cents=(
                        None
                        if a.settled_document_amount is None
                        else convert.cents(a.settled_document_amount)
                    ),
                )
                for a in data.allocations
            ),
            adjustments=tuple(
                GroupAdjustmentSpec(
                    account_number=a.account_number,
                    side=a.posting_side,
                    amount_cents=convert.cents(a.amount),
                    tax_code=a.tax_code,
                    description=a.description,
                )
                for a in data.adjustments
            ),
            settlement_intent_id=uuid.uuid4(),
        )
    )
    group = await _group(ledger, caller, group_id)
    return MatchGroupCreatedOut(
        ok=True, match_group_id=group.id, intent_id=group.intent_id, mode=group.mode, group=group
    )


@get("/bank-match-groups/{group_id:str}", operation_id="GetBankMatchGroup", opt=READ, tags=TAGS)
async def get_group(
    group_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> MatchGroupOut:
    """A match group: its transactions, allocations, adjustments, what it settled, status."""
    return await _group(ledger, caller, convert.require_uuid(group_id, "match group"))


@post(
    "/bank-match-groups/{group_id:str}/unmatch",
    operation_id="UnmatchBankMatchGroup",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
)
async def unmatch_group(
    group_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> MatchGroupUnmatchedOut:
    """Reverse the group's settlement intent (a reversal intent, never an edit), reopen all
    its transactions and put the settled amounts back on the invoices."""
    parsed = convert.require_uuid(group_id, "match group")
    reversal_intent_id = uuid.uuid4()
    await ledger.writers.submit_one(
        UnmatchMatchGroup(**caller.stamp(), group_id=parsed, reversal_intent_id=reversal_intent_id)
    )
    group = await _group(ledger, caller, parsed)
    return MatchGroupUnmatchedOut(ok=True, reversal_intent_id=reversal_intent_id, group=group)


async def _group(ledger: Ledger, caller: Caller, group_id: uuid.UUID) -> MatchGroupOut:
    async with ledger.pool.acquire() as conn:
        row = await conn.fetchrow(
            "select * from bank_match_groups where tenant_id = $1 and id = $2",
            caller.tenant_id,
            group_id,
        )
    if row is None:
        raise ApiError("NOT_FOUND", "No match group with this id exists.", id=str(group_id))
    return group_out(row)


def group_out(row: asyncpg.Record) -> MatchGroupOut:
    return MatchGroupOut(
        id=row["id"],
        bank_account_id=row["bank_account_id"],
        bank_transaction_ids=list(row["tx_ids"]),
        mode=row["mode"],
        status=row["status"],
        intent_id=row["settlement_intent_id"],
        reversal_intent_id=row["reversal_intent_id"],
        allocations=[
            AllocationOut(
                intent_id=a.intent_id,
                candidate_kind=a.candidate_kind,
                open_item_account=a.open_item_account,
                currency=a.currency,
                allocated_bank_amount=cents_to_decimal(a.allocated_bank_cents),
                settled_document_amount=cents_to_decimal(a.settled_document_cents),
                cleared_base_amount=cents_to_decimal(a.cleared_eur_cents),
                fx_difference=cents_to_decimal(a.fx_difference_cents),
            )
            for a in _allocations.decode(row["allocations"])
        ],
        adjustments=[
            AdjustmentOut(
                account_number=a.account_number,
                posting_side=a.side,
                amount=cents_to_decimal(a.amount_cents),
                tax_code=a.tax_code,
                description=a.description,
            )
            for a in _adjustments.decode(row["adjustments"])
        ],
        settlements=[
            SettlementOut(invoice_id=s.invoice_id, applied_amount=cents_to_decimal(s.applied_cents))
            for s in _settlements.decode(row["settlements"])
        ],
        created_at=row["created_at"],
        created_by=row["created_by"],
        reversed_at=row["reversed_at"],
    )


ROUTES = [create_group, get_group, unmatch_group]
