"""Property: open items equal the fold of the postings on the personal accounts.

Hypothesis draws invoices and credit notes (lines at 0, 7 and 19 %, any cents) for a customer
and a vendor, records each with `book: true`, and checks that the open items' `net_open`, the
party's `open_amount` and the sum of the journal lines on its personal account are one number.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.money import tax_cents_from_net
from tests.conftest import Tenant, journal_of

RATES = (0, 700, 1900)
KINDS = {
    "outgoing-invoices": ("customers", "customer", "4400"),
    "invoices": ("vendors", "vendor", "6815"),
}

lines = st.lists(
    st.tuples(st.integers(min_value=1, max_value=10**7), st.sampled_from(RATES)),
    min_size=1,
    max_size=4,
)
documents = st.lists(
    st.tuples(st.sampled_from(sorted(KINDS)), st.sampled_from(["invoice", "credit_note"]), lines),
    min_size=1,
    max_size=6,
)


def euros(cents: int) -> str:
    return str(Decimal(cents).scaleb(-2))


def invoice_body(party_key: str, party_id: str, kind: str, specs, account: str) -> dict:
    body_lines = []
    for position, (net, rate) in enumerate(specs, start=1):
        tax = tax_cents_from_net(net, rate)
        body_lines.append(
            {
                "position": position,
                "description": f"Position {position}",
                "quantity": "1",
                "unit_price": euros(net),
                "tax_rate": str(Decimal(rate) / 10_000),
                "tax_amount": euros(tax),
                "line_total": euros(net + tax),
                "account_number": account,
            }
        )
    net = sum(n for n, _ in specs)
    tax = sum(tax_cents_from_net(n, r) for n, r in specs)
    return {
        f"{party_key}_id": party_id,
        "invoice_number": f"P-{uuid.uuid4().hex[:10]}",
        "invoice_date": "2026-02-10",
        "total_net": euros(net),
        "total_tax": euros(tax),
        "total_gross": euros(net + tax),
        "type": kind,
        "lines": body_lines,
        "book": True,
    }


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(drawn=documents)
async def test_open_items_equal_the_postings_on_the_personal_accounts(tenant: Tenant, drawn):
    parties = {}
    for path, (parties_path, _, _) in KINDS.items():
        response = await tenant.post(f"/v1/{parties_path}", {"name": f"P {uuid.uuid4().hex}"})
        parties[path] = response.json()
    for path, kind, specs in drawn:
        parties_path, party_key, account = KINDS[path]
        body = invoice_body(party_key, parties[path]["id"], kind, specs, account)
        response = await tenant.post(f"/v1/{path}", body)
        assert response.status_code == 201, response.text

    fold: dict[str, int] = defaultdict(int)
    for entry in await journal_of(tenant):
        cents = round(Decimal(str(entry["amount"])) * 100)
        fold[entry["account_debit"]] += cents
        fold[entry["account_credit"]] -= cents
    for path, (parties_path, party_key, _) in KINDS.items():
        party = parties[path]
        sign = 1 if party_key == "customer" else -1  # what a vendor is owed is a credit
        posted = sign * fold[party["account_number"]]
        current = (await tenant.get(f"/v1/{parties_path}/{party['id']}")).json()
        groups = (await tenant.get(f"/v1/{path}/open-items")).json()[f"{party_key}s"]
        mine = [g for g in groups if g[f"{party_key}_id"] == party["id"]]
        net_open = round(Decimal(str(mine[0]["net_open"])) * 100) if mine else 0
        assert round(Decimal(str(current["open_amount"])) * 100) == posted
        assert net_open == posted
