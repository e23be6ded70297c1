"""Run in a separate OS process by the multi-process tests: post bookings to one tenant."""

from __future__ import annotations

import asyncio
import uuid
from uuid import UUID

from api.bootstrap import open_ledger
from ledger.decide import Posted
from tests.conftest import settings_for
from tests.integration.conftest import simple_booking


def post_bookings(database_url: str, tenant_id: str, count: int, concurrency: int) -> list[int]:
    """Post `count` bookings with `concurrency` in flight; return their first journal numbers."""

    async def main() -> list[int]:
        ledger = await open_ledger(settings_for(database_url), apply_migrations=False)
        try:
            numbers: list[int] = []
            for start in range(0, count, concurrency):
                results = await asyncio.gather(
                    *(
                        ledger.writers.submit_one(
                            simple_booking(UUID(tenant_id), uuid.uuid4(), 1000 + start + i)
                        )
                        for i in range(min(concurrency, count - start))
                    )
                )
                numbers.extend(r.first_journal_number for r in results if isinstance(r, Posted))
            return numbers
        finally:
            await ledger.close()

    return asyncio.run(main())
