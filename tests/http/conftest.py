"""Fixtures of the HTTP tests beyond the session's (tests/conftest.py)."""

from __future__ import annotations

import pytest

from api.bootstrap import cli_actor
from ledger.intents import EnrollPartnerFirm
from tests.conftest import Tenant

FIRM_RATE_CENTS = 12_000  # the firm's default: 120.00 EUR an hour


@pytest.fixture
async def firm(tenant: Tenant) -> Tenant:
    """The tenant, enrolled in the partner programme (as `ledger tenants partner` does)."""
    await tenant.ledger.writers.submit_one(
        EnrollPartnerFirm(
            tenant_id=tenant.tenant_id,
            actor=cli_actor(),
            channel="cli",
            default_rate_cents=FIRM_RATE_CENTS,
        )
    )
    return tenant
