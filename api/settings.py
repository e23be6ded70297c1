"""Configuration from the environment, with documented defaults (README, "Configuration")."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

# Generous for people and integrations posting one booking at a time; bulk loads belong on
# POST /v1/bookings/batch (1,000 bookings a request).
RATE_LIMIT_PER_MINUTE: Final = 1_200
RATE_LIMIT_BURST: Final = 200


@dataclass(frozen=True)
class Settings:
    database_url: str | None  # LEDGER_DATABASE_URL: a PostgreSQL server; unset = embedded
    data_dir: Path  # LEDGER_DATA_DIR: where the embedded server keeps its data
    host: str  # LEDGER_HOST
    port: int  # LEDGER_PORT
    pool_size: int  # LEDGER_POOL_SIZE: connections per process
    log_level: str  # LEDGER_LOG_LEVEL
    smtp_listen: str | None = None  # LEDGER_SMTP_LISTEN: host:port of the inbox's SMTP listener
    # LEDGER_RATE_LIMIT: requests a minute per API key or session (0: no limit), and
    # LEDGER_RATE_BURST: how many of them may come at once.
    rate_limit_per_minute: int = RATE_LIMIT_PER_MINUTE
    rate_limit_burst: int = RATE_LIMIT_BURST

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("LEDGER_DATABASE_URL") or None,
            data_dir=Path(os.environ.get("LEDGER_DATA_DIR", ".ledger-data")),
            host=os.environ.get("LEDGER_HOST", "127.0.0.1"),
            port=int(os.environ.get("LEDGER_PORT", "8000")),
            pool_size=int(os.environ.get("LEDGER_POOL_SIZE", "20")),
            log_level=os.environ.get("LEDGER_LOG_LEVEL", "info"),
            smtp_listen=os.environ.get("LEDGER_SMTP_LISTEN") or None,
            rate_limit_per_minute=int(
                os.environ.get("LEDGER_RATE_LIMIT", str(RATE_LIMIT_PER_MINUTE))
            ),
            rate_limit_burst=int(os.environ.get("LEDGER_RATE_BURST", str(RATE_LIMIT_BURST))),
        )
