"""Running the service: uvicorn on the app, the ledger opened once, first-run demo tenant."""

from __future__ import annotations

import asyncio
import logging
import signal

import click
import uvicorn

from api.app import create_app
from api.bootstrap import Ledger, create_tenant, has_tenants, open_ledger
from api.settings import Settings

log = logging.getLogger(__name__)

DEMO_COMPANY = "Demo GmbH"
DEMO_OWNER_EMAIL = "owner@demo.example"


async def ensure_demo_tenant(ledger: Ledger, base_url: str) -> None:
    """On the first start of an empty database: a demo tenant, its owner, one key shown once."""
    if await has_tenants(ledger):
        click.echo(
            "Need an API key? .venv/bin/ledger keys create --tenant "
            f'"{DEMO_COMPANY}" --user {DEMO_OWNER_EMAIL} --label NAME'
            "   (tenants: .venv/bin/ledger tenants list)"
        )
        return
    tenant_id, _, key = await create_tenant(
        ledger,
        company_name=DEMO_COMPANY,
        owner_email=DEMO_OWNER_EMAIL,
        owner_name="Demo Owner",
        account_framework="skr04",
        legal_form="GmbH",
        channel="system",
    )
    click.echo(
        f"""
First start: created tenant "{DEMO_COMPANY}" (SKR04, id {tenant_id})
with the owner {DEMO_OWNER_EMAIL}. Its API key (shown only this once; keep it):

    export LEDGER_KEY={key.secret}

Try it:

    curl -s {base_url}/v1/tenant -H "Authorization: Bearer $LEDGER_KEY"

More keys: `ledger keys create --tenant "{DEMO_COMPANY}" --user {DEMO_OWNER_EMAIL} --label NAME`
API docs: {base_url}/schema
"""
    )


async def _serve(settings: Settings, host: str, port: int, log_level: str) -> None:
    ledger = await open_ledger(settings, serving=True)
    try:
        base_url = f"http://{host}:{port}"
        await ensure_demo_tenant(ledger, base_url)
        app = create_app(settings, ledger=ledger)
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level=log_level,
            loop="none",
            http="httptools",
            lifespan="on",
            access_log=False,
            timeout_graceful_shutdown=10,
        )
        click.echo(f"Ledger API on {base_url} (Ctrl-C to stop)")
        # uvicorn shuts down gracefully on SIGTERM and then raises the signal again with the
        # handler it found; with the default one the process would die before `finally`
        # stops the embedded PostgreSQL. This handler turns it into an orderly exit.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        await uvicorn.Server(config).serve()
    finally:
        await ledger.close()
        click.echo("stopped" + (" (embedded PostgreSQL stopped)" if ledger.embedded else ""))


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def serve_forever(settings: Settings, *, host: str, port: int, log_level: str) -> None:
    try:
        import uvloop

        uvloop.run(_serve(settings, host, port, log_level))
    except ImportError:
        asyncio.run(_serve(settings, host, port, log_level))
