"""The `ledger` command: serve, migrate, tenants, users, keys, verify, export, projections.

Every command talks to the same database as the server (LEDGER_DATABASE_URL, or the embedded
server in LEDGER_DATA_DIR) and writes through the same writer, so what it changes is an event
like any other, recorded with the actor `cli:<os user>`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import logging
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TypeVar
from uuid import UUID

import click
import msgspec

from api.auth import SCOPES
from api.bootstrap import (
    Ledger,
    cli_actor,
    create_tenant,
    create_user,
    issue_key,
    open_ledger,
    revoke_key,
)
from api.datev_imports import import_datev
from api.errors import ApiError
from api.inbox import ingest_mail
from api.routes.payment_runs import sepa_export
from api.settings import Settings
from ledger.backup import ArchiveWriter, BrokenArchive, Manifest, RestoreRefused, dump, load
from ledger.errors import Rejected
from ledger.intents import (
    ChangePaymentRunStatus,
    EnrollPartnerFirm,
    LeavePartnerProgramme,
    SetDatevSettings,
)
from ledger.postgres import migrate
from ledger.verify import verify_closings, verify_tenant
from projections import queries
from projections.exports import datev
from projections.gdpdu import ExportSummary, export_gdpdu
from projections.rebuild import rebuild
from schemas.imports import DatevImportOut
from schemas.payment_runs import SepaExportOut

T = TypeVar("T")


def run(work: Callable[[Ledger], Awaitable[T]], *, migrations: bool = True) -> T:
    async def main() -> T:
        ledger = await open_ledger(Settings.from_env(), apply_migrations=migrations)
        try:
            return await work(ledger)
        finally:
            await ledger.close()

    try:
        return asyncio.run(main())
    except Rejected as rejection:
        raise click.ClickException(f"{rejection.code}: {rejection.message}") from None


async def resolve_tenant(ledger: Ledger, reference: str) -> UUID:
    """A tenant by id or by exact company name."""
    async with ledger.pool.acquire() as conn:
        rows = await queries.list_tenants(conn)
    for row in rows:
        if str(row["id"]) == reference or row["company_name"] == reference:
            return row["id"]
    raise click.ClickException(f"no tenant {reference!r} (see `ledger tenants list`)")


async def resolve_user(ledger: Ledger, tenant_id: UUID, reference: str) -> UUID:
    async with ledger.pool.acquire() as conn:
        rows = await queries.users(conn, tenant_id)
    for row in rows:
        if str(row["id"]) == reference or row["email"].lower() == reference.lower():
            return row["id"]
    raise click.ClickException(f"no user {reference!r} in this tenant (see `ledger users list`)")


tenant_option = click.option("--tenant", required=True, help="Tenant id or company name.")


def date_range_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--from and --to (YYYY-MM-DD, inclusive)."""
    command = click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]))(command)
    return click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]))(
        command
    )


def files_in(folder: Path) -> Callable[[str], contextlib.AbstractContextManager[IO[bytes]]]:
    """Open a new binary file of that name in `folder` for an exporter."""

    @contextlib.contextmanager
    def open_file(name: str) -> Iterator[IO[bytes]]:
        with (folder / name).open("wb") as handle:
            yield handle

    return open_file


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Event-sourced double-entry ledger (GoBD) with a LedgerLou-style /v1 API.

    Uses LEDGER_DATABASE_URL if set, else an embedded PostgreSQL in LEDGER_DATA_DIR
    (default ./.ledger-data).
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--host", envvar="LEDGER_HOST", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="LEDGER_PORT", default=8000, show_default=True, type=int)
@click.option("--log-level", envvar="LEDGER_LOG_LEVEL", default="info", show_default=True)
def serve(host: str, port: int, log_level: str) -> None:
    """Start the API (migrating first). On an empty database, create the demo tenant.

    Ctrl-C stops the service and the embedded PostgreSQL cleanly.
    """
    from api.server import serve_forever

    serve_forever(Settings.from_env(), host=host, port=port, log_level=log_level)


@main.command("migrate")
def migrate_command() -> None:
    """Apply the database migrations this database lacks."""

    async def work(ledger: Ledger) -> list[str]:
        async with ledger.pool.acquire() as conn:
            return await migrate(conn)

    applied = run(work, migrations=False)
    click.echo("\n".join(f"applied {name}" for name in applied) or "database is up to date")


@main.group()
def tenants() -> None:
    """Create and list tenants (companies whose books we keep)."""


@tenants.command("create")
@click.option("--name", "company_name", required=True, help="Company name, e.g. 'Muster GmbH'.")
@click.option("--owner-email", required=True)
@click.option("--owner-name", default="Owner", show_default=True)
@click.option(
    "--framework",
    type=click.Choice(["skr04", "skr03"]),
    default="skr04",
    show_default=True,
    help="Standard chart of accounts.",
)
@click.option(
    "--fiscal-year-start",
    type=click.IntRange(1, 12),
    default=1,
    show_default=True,
    help="Month the fiscal year starts in.",
)
@click.option("--legal-form", default=None)
@click.option("--tax-id", default=None)
@click.option("--vat-id", default=None)
@click.option("--not-vat-registered", is_flag=True, help="Kleinunternehmer (§ 19 UStG).")
def tenants_create(
    company_name: str,
    owner_email: str,
    owner_name: str,
    framework: str,
    fiscal_year_start: int,
    legal_form: str | None,
    tax_id: str | None,
    vat_id: str | None,
    not_vat_registered: bool,
) -> None:
    """Create a tenant with its chart, tax codes, an owner and the owner's API key."""

    async def work(ledger: Ledger):
        return await create_tenant(
            ledger,
            company_name=company_name,
            owner_email=owner_email,
            owner_name=owner_name,
            account_framework=framework,
            fiscal_year_start=fiscal_year_start,
            legal_form=legal_form,
            tax_id=tax_id,
            vat_id=vat_id,
            vat_registered=not not_vat_registered,
        )

    tenant_id, user_id, key = run(work)
    click.echo(f"tenant  {tenant_id}  {company_name} ({framework.upper()})")
    click.echo(f"owner   {user_id}  {owner_email}")
    click.echo(f"api key {key.secret}")
    click.echo("        (shown once; only its hash is stored)")


@tenants.command("list")
def tenants_list() -> None:
    """List tenants."""

    async def work(ledger: Ledger) -> list[Any]:
        async with ledger.pool.acquire() as conn:
            return await queries.list_tenants(conn)

    for row in run(work):
        click.echo(f"{row['id']}  {row['account_framework']}  {row['company_name']}")


@tenants.command("datev")
@click.option("--tenant", required=True, help="Tenant id or company name.")
@click.option("--berater", required=True, type=click.IntRange(1001, 9_999_999))
@click.option("--mandant", required=True, type=click.IntRange(1, 99_999))
@click.option(
    "--account-length",
    type=click.IntRange(4, 8),
    default=4,
    show_default=True,
    help="Sachkontenlänge (Personenkonten have one digit more).",
)
def tenants_datev(tenant: str, berater: int, mandant: int, account_length: int) -> None:
    """Set the Beraternummer, Mandantennummer and Sachkontenlänge of the DATEV export."""

    async def work(ledger: Ledger) -> None:
        tenant_id = await resolve_tenant(ledger, tenant)
        await ledger.writers.submit_one(
            SetDatevSettings(
                tenant_id=tenant_id,
                actor=cli_actor(),
                channel="cli",
                berater_number=berater,
                mandant_number=mandant,
                account_length=account_length,
            )
        )

    run(work)
    click.echo(f"DATEV: Berater {berater}, Mandant {mandant}, Sachkontenlänge {account_length}")


@tenants.command("partner")
@click.option("--tenant", required=True, help="Tenant id or company name.")
@click.option(
    "--tier",
    type=click.Choice(["standard", "silver", "gold"]),
    default="standard",
    show_default=True,
)
@click.option(
    "--rate",
    type=click.FloatRange(min=0.01),
    default=120.0,
    show_default=True,
    help="Default hourly rate in euros (a time entry may name its own).",
)
@click.option("--fee-account", default=None, help="Revenue account [default: 4400 / 8400].")
@click.option("--tax-code", default="USt19", show_default=True)
@click.option("--invoice-prefix", default="HON-", show_default=True)
@click.option("--leave", is_flag=True, help="Leave the partner programme instead.")
def tenants_partner(
    tenant: str,
    tier: str,
    rate: float,
    fee_account: str | None,
    tax_code: str,
    invoice_prefix: str,
    leave: bool,
) -> None:
    """Enrol the tenant as a partner firm (or change its terms, or --leave): it may then
    create client entities, record time and bill it (the practice API)."""
    rate_cents = int((Decimal(str(rate)) * 100).to_integral_value())

    async def work(ledger: Ledger) -> None:
        tenant_id = await resolve_tenant(ledger, tenant)
        stamp = {"tenant_id": tenant_id, "actor": cli_actor(), "channel": "cli"}
        intent = (
            LeavePartnerProgramme(**stamp)
            if leave
            else EnrollPartnerFirm(
                **stamp,
                partner_tier=tier,  # type: ignore[arg-type]
                default_rate_cents=rate_cents,
                fee_account=fee_account,
                tax_code=tax_code,
                invoice_prefix=invoice_prefix,
            )
        )
        await ledger.writers.submit_one(intent)

    run(work)
    click.echo(
        "left the partner programme" if leave else f"partner firm ({tier}), {rate:.2f} EUR/h"
    )


@main.group()
def users() -> None:
    """Create and list users of a tenant."""


@users.command("create")
@click.option("--tenant", required=True, help="Tenant id or exact company name.")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    type=click.Choice(["owner", "admin", "member", "viewer"]),
    default="member",
    show_default=True,
)
def users_create(tenant: str, email: str, name: str, role: str) -> None:
    """Add a user to a tenant."""

    async def work(ledger: Ledger) -> UUID:
        tenant_id = await resolve_tenant(ledger, tenant)
        return await create_user(ledger, tenant_id, email=email, name=name, role=role)

    click.echo(f"user {run(work)}  {email} ({role})")


@users.command("list")
@click.option("--tenant", required=True, help="Tenant id or exact company name.")
def users_list(tenant: str) -> None:
    """List a tenant's users."""

    async def work(ledger: Ledger) -> list[Any]:
        tenant_id = await resolve_tenant(ledger, tenant)
        async with ledger.pool.acquire() as conn:
            return await queries.users(conn, tenant_id)

    for row in run(work):
        state = "active" if row["is_active"] else "inactive"
        click.echo(f"{row['id']}  {row['role']:<6}  {state:<8}  {row['email']}  {row['name']}")


@main.group()
def keys() -> None:
    """Create, list and revoke API keys."""


@keys.command("create")
@click.option("--tenant", required=True, help="Tenant id or exact company name.")
@click.option("--user", "user_ref", required=True, help="User id or e-mail.")
@click.option("--label", required=True, help="Shown as the actor of everything the key posts.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(SCOPES),
    help="Repeat for several; default: every scope.",
)
@click.option(
    "--expires",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    default=None,
    help="Expiry (UTC).",
)
def keys_create(
    tenant: str, user_ref: str, label: str, scopes: tuple[str, ...], expires: datetime | None
) -> None:
    """Issue an API key; the secret is printed once."""
    from datetime import UTC

    async def work(ledger: Ledger):
        tenant_id = await resolve_tenant(ledger, tenant)
        user_id = await resolve_user(ledger, tenant_id, user_ref)
        return await issue_key(
            ledger,
            tenant_id,
            user_id,
            label=label,
            scopes=scopes or SCOPES,
            expires_at=expires.replace(tzinfo=UTC) if expires else None,
        )

    key = run(work)
    click.echo(f"key id  {key.key_id}")
    click.echo(f"api key {key.secret}")
    click.echo("        (shown once; only its hash is stored)")


@keys.command("list")
@click.option("--tenant", required=True, help="Tenant id or exact company name.")
def keys_list(tenant: str) -> None:
    """List a tenant's API keys (prefix, label, scopes, state)."""

    async def work(ledger: Ledger) -> list[Any]:
        tenant_id = await resolve_tenant(ledger, tenant)
        async with ledger.pool.acquire() as conn:
            return await queries.api_keys(conn, tenant_id)

    for row in run(work):
        state = "revoked" if row["revoked_at"] else "active"
        click.echo(
            f"{row['id']}  {row['key_prefix']}…  {state:<7}  {row['label']}  ({row['email']})"
            f"  {' '.join(row['scopes'])}"
        )


@keys.command("revoke")
@click.option("--tenant", required=True, help="Tenant id or exact company name.")
@click.argument("key_id", type=click.UUID)
def keys_revoke(tenant: str, key_id: UUID) -> None:
    """Revoke an API key at once."""

    async def work(ledger: Ledger) -> None:
        tenant_id = await resolve_tenant(ledger, tenant)
        await revoke_key(ledger, tenant_id, key_id)

    run(work)
    click.echo(f"revoked {key_id}")


@main.command()
@click.option("--tenant", default=None, help="Only this tenant (id or company name).")
def verify(tenant: str | None) -> None:
    """Recompute every hash chain and closing hash; exit 1 if any is broken."""

    async def work(ledger: Ledger) -> bool:
        if tenant is not None:
            tenant_ids = [await resolve_tenant(ledger, tenant)]
        else:
            async with ledger.pool.acquire() as conn:
                tenant_ids = [row["id"] for row in await queries.list_tenants(conn)]
        all_ok = True
        for tenant_id in tenant_ids:
            async with ledger.pool.acquire() as conn:
                report = await verify_tenant(conn, tenant_id)
                closings = await verify_closings(conn, tenant_id)
            if report.broken is None:
                click.echo(
                    f"{tenant_id}  ok      {report.lines_checked} lines, head "
                    f"{report.head_journal_number} {report.head_hash[:16]}…"
                )
            else:
                all_ok = False
                broken = report.broken
                click.echo(
                    f"{tenant_id}  BROKEN  at journal_number {broken.journal_number}"
                    f" (intent {broken.intent_id}): {broken.problem}; expected "
                    f"{broken.expected}, found {broken.found}"
                )
            for check in closings:
                all_ok = all_ok and check.ok
                verdict = "ok     " if check.ok else "CHANGED"
                click.echo(
                    f"{tenant_id}  {verdict} closing of {check.period}: recorded "
                    f"{check.recorded[:16]}… over {check.lines_recorded} lines, recomputed "
                    f"{check.recomputed[:16]}… over {check.lines_found} lines"
                )
        return all_ok

    if not run(work):
        sys.exit(1)


@main.command()
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--tenant", default=None, help="Only this tenant (id or company name).")
def backup(out: Path, tenant: str | None) -> None:
    """Write the event log (all tenants, or one) with the documents' bytes, password hashes
    and chain heads as a verifiable archive (docs/backup.md)."""
    partial = out.with_name(out.name + ".partial")

    async def work(ledger: Ledger) -> tuple[ArchiveWriter, str]:
        tenant_id = await resolve_tenant(ledger, tenant) if tenant is not None else None
        with gzip.open(partial, "wb") as archive:
            async with ledger.pool.acquire() as conn:
                return await dump(conn, archive, tenant_id, datetime.now(UTC))

    writer, digest = run(work)
    partial.replace(out)  # a file named `out` is always a whole archive
    counts = writer.counts
    click.echo(
        f"{out}: {counts['event']} events, {counts['blob']} documents, "
        f"{counts['credential']} passwords, {counts['head']} chain heads"
    )
    click.echo(f"archive hash {digest} (keep it apart: restore --expect-hash checks it)")


@main.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--expect-hash", default=None, help="Refuse the archive unless its hash is this.")
def restore(archive: Path, expect_hash: str | None) -> None:
    """Restore an archive into an empty database: verify every line, write the events,
    rebuild every read table, and verify every hash chain (exit 1 if anything fails)."""

    async def work(ledger: Ledger) -> tuple[Manifest, str, list[str]]:
        async with ledger.pool.acquire() as conn:
            manifest, digest = await load(conn, archive, expect_hash)
        await rebuild(ledger.pool)
        problems = []
        async with ledger.pool.acquire() as conn:
            for row in await queries.list_tenants(conn):
                report = await verify_tenant(conn, row["id"])
                if report.broken is not None:
                    problems.append(f"{row['id']}: chain broken at {report.broken.journal_number}")
                problems += [
                    f"{row['id']}: closing of {check.period} changed"
                    for check in await verify_closings(conn, row["id"])
                    if not check.ok
                ]
        return manifest, digest, problems

    try:
        manifest, digest, problems = run(work)
    except BrokenArchive as broken:
        raise click.ClickException(f"the archive is broken at {broken}") from None
    except RestoreRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(
        f"restored {manifest.events} events, {manifest.blobs} documents, "
        f"{manifest.credentials} passwords, {manifest.tenants} tenants (archive hash {digest})"
    )
    if problems:
        click.echo("\n".join(["verify FAILED:", *problems]))
        sys.exit(1)
    click.echo("read tables rebuilt; every hash chain and closing verified")


@main.group()
def export() -> None:
    """Write export files."""


@export.command("gdpdu")
@tenant_option
@date_range_options
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write to (created; must be empty).",
)
def export_gdpdu_command(tenant: str, start: datetime, end: datetime, out: Path) -> None:
    """The tax auditor's data carrier (GoBD Z3): CSV tables, index.xml and the GDPdU DTD for
    the bookings dated --from to --to (inclusive)."""
    if start > end:
        raise click.ClickException("--from must not be after --to")
    if out.exists() and any(out.iterdir()):
        raise click.ClickException(f"{out} is not empty; choose a new or empty directory")
    out.mkdir(parents=True, exist_ok=True)
    open_file = files_in(out)

    async def work(ledger: Ledger) -> ExportSummary:
        tenant_id = await resolve_tenant(ledger, tenant)
        async with ledger.pool.acquire() as conn:
            row = await queries.tenant(conn, tenant_id)
            assert row is not None
            return await export_gdpdu(
                conn,
                tenant_id,
                row["company_name"],
                start.date(),
                end.date(),
                open_file,
                created_at=ledger.clock(),
            )

    summary = run(work)
    click.echo(f"wrote {len(summary.files)} files ({summary.journal_lines} journal lines) to {out}")


@export.command("datev")
@tenant_option
@date_range_options
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .csv to write; more bookings than --rows-per-file go to NAME_001.csv, …",
)
@click.option("--master-data", is_flag=True, help="Also write NAME_Debitoren_Kreditoren.csv.")
@click.option(
    "--rows-per-file",
    type=click.IntRange(1, 99_999),
    default=99_999,
    show_default=True,
    help="Split into NAME_001.csv, … of at most this many bookings (DATEV takes 99,999).",
)
def export_datev_command(
    tenant: str, start: datetime, end: datetime, out: Path, master_data: bool, rows_per_file: int
) -> None:
    """DATEV EXTF Buchungsstapel files (Formatversion 13) of the bookings dated --from to --to,
    streamed with a progress bar: one batch per fiscal year (NAME_<from>_<to>.csv when the
    range spans several), split into parts of at most --rows-per-file bookings."""
    folder, stem = out.parent, out.stem
    open_file = files_in(folder)

    async def work(ledger: Ledger) -> datev.Written:
        tenant_id = await resolve_tenant(ledger, tenant)
        async with ledger.pool.acquire() as conn:
            row = await queries.tenant(conn, tenant_id)
            assert row is not None
            lines = await conn.fetchval(
                "select count(*) from journal_lines where tenant_id = $1"
                " and booking_date between $2 and $3",
                tenant_id,
                start.date(),
                end.date(),
            )
        years = datev.fiscal_years(start.date(), end.date(), row["fiscal_year_start"])
        total = datev.Written()
        with click.progressbar(
            length=lines, label="DATEV export", file=sys.stderr, show_pos=True
        ) as bar:
            for first, last in years:
                name = stem if len(years) == 1 else f"{stem}_{first:%Y%m%d}_{last:%Y%m%d}"
                async with (
                    ledger.pool.acquire() as conn,
                    conn.transaction(isolation="repeatable_read"),
                ):
                    batch = await datev.prepare(
                        conn,
                        tenant_id,
                        first,
                        last,
                        created_at=ledger.clock(),
                        exported_by=cli_actor().label,
                        rows_max=None,
                    )
                    if isinstance(batch, datev.Refusal):
                        raise click.ClickException(
                            f"{batch.code}: {batch.message} {batch.details or ''}"
                        )
                    in_year = await conn.fetchval(
                        "select count(*) from journal_lines where tenant_id = $1"
                        " and booking_date between $2 and $3",
                        tenant_id,
                        first,
                        last,
                    )
                    written = await datev.write_files(
                        conn,
                        batch,
                        open_file,
                        name=name,
                        master_data=master_data,
                        split=in_year > rows_per_file,
                        rows_per_file=rows_per_file,
                        progress=bar.update,
                    )
                total.rows += written.rows
                total.files.extend(written.files)
        return total

    if start > end:
        raise click.ClickException("--from must not be after --to")
    folder.mkdir(parents=True, exist_ok=True)
    written = run(work)
    click.echo(f"wrote {written.rows:,} bookings to {', '.join(written.files)} in {folder}")


@export.command("sepa")
@click.option("--run", "run_id", required=True, type=click.UUID, help="Payment run id.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_sepa_command(run_id: UUID, out: Path) -> None:
    """Write a payment run's pain.001 file. An approved run is exported first (as through
    the API); an exported or completed run is written again, byte for byte the same."""

    async def work(ledger: Ledger) -> SepaExportOut:
        async with ledger.pool.acquire() as conn:
            row = await conn.fetchrow(
                "select tenant_id, status from payment_runs where id = $1", run_id
            )
        if row is None:
            raise click.ClickException(f"no payment run {run_id}")
        if row["status"] == "approved":
            await ledger.writers.submit_one(
                ChangePaymentRunStatus(
                    tenant_id=row["tenant_id"],
                    actor=cli_actor(),
                    channel="cli",
                    run_id=run_id,
                    status="exported",
                )
            )
        elif row["status"] not in ("exported", "completed"):
            raise click.ClickException(
                f"the run is {row['status']}: approve it first (only approved, exported or "
                "completed runs have a file)"
            )
        return await sepa_export(ledger, row["tenant_id"], run_id)

    exported = run(work)
    out.write_bytes(exported.sepa_xml.encode("utf-8"))
    click.echo(
        f"wrote {out} ({exported.sepa_version}, {exported.number_of_transactions} transfers,"
        f" {exported.control_sum} EUR, MsgId {exported.message_id})"
    )


@main.group()
def inbox() -> None:
    """The invoice inbox."""


@inbox.command("ingest")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tenant", default=None, help="Tenant id or name; default: the mail's recipient.")
def inbox_ingest(file: Path, tenant: str | None) -> None:
    """Take a mail (.eml, RFC 5322) into a tenant's inbox, as if it had arrived by SMTP."""
    raw = file.read_bytes()

    async def work(ledger: Ledger) -> Any:
        tenant_id = None if tenant is None else await resolve_tenant(ledger, tenant)
        ingestion_id = await ingest_mail(
            ledger,
            raw,
            tenant_id=tenant_id,
            actor=cli_actor(),
            channel="cli",
            received_via="cli",
        )
        async with ledger.pool.acquire() as conn:
            return await conn.fetchrow("select * from ingestion_log where id = $1", ingestion_id)

    try:
        row = run(work)
    except ApiError as refusal:
        raise click.ClickException(f"{refusal.code}: {refusal.message}") from None
    click.echo(f"{row['outcome']}: {row['subject'] or '(no subject)'} from {row['sender']}")
    for attachment in msgspec.json.decode(row["attachments"]):
        reason = f" ({attachment['reason']})" if attachment["reason"] else ""
        click.echo(f"  {attachment['name']}: {attachment['outcome']}{reason}")


@main.group()
def mail() -> None:
    """Mails the service sends (invitations, password resets, contact-form copies)."""


@mail.command("outbox")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def mail_outbox(limit: int) -> None:
    """The latest mails, newest first (sent by SMTP only when LEDGER_SMTP_URL is set)."""

    async def work(ledger: Ledger) -> list[Any]:
        async with ledger.pool.acquire() as conn:
            return await conn.fetch(
                "select * from mail_outbox order by created_at desc limit $1", limit
            )

    for row in run(work):
        sent = row["sent_at"].isoformat() if row["sent_at"] else "not sent (outbox only)"
        click.echo(f"--- {row['created_at'].isoformat()}  to {row['recipient']}  {sent}")
        click.echo(f"Subject: {row['subject']}\n\n{row['body']}")


@main.group()
def contact() -> None:
    """Messages from the public contact form (POST /v1/contact)."""


@contact.command("list")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def contact_list(limit: int) -> None:
    """The latest messages, newest first."""

    async def work(ledger: Ledger) -> list[Any]:
        async with ledger.pool.acquire() as conn:
            return await conn.fetch(
                "select * from contact_messages order by received_at desc limit $1", limit
            )

    for row in run(work):
        click.echo(
            f"--- {row['received_at'].isoformat()}  {row['name']} <{row['email']}>"
            f"  from {row['address']}"
        )
        click.echo(f"{row['message']}\n")


@main.group("import")
def import_group() -> None:
    """Read files from other systems into the books."""


@import_group.command("datev")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tenant", required=True, help="Tenant id or company name.")
@click.option("--dry-run", is_flag=True, help="Book nothing; list the bookings and problems.")
def import_datev_command(file: Path, tenant: str, dry_run: bool) -> None:
    """Book a DATEV EXTF Buchungsstapel (all rows or none), or with --dry-run show what it
    would book and every row it cannot take."""

    content = file.read_bytes()

    async def work(ledger: Ledger) -> DatevImportOut:
        tenant_id = await resolve_tenant(ledger, tenant)
        return await import_datev(ledger, tenant_id, cli_actor(), "cli", content, dry_run=dry_run)

    try:
        result = run(work)
    except ApiError as refusal:
        lines = [f"{refusal.code}: {refusal.message}"]
        lines += [
            f"  line {p['line']}: {p['message']}" for p in refusal.details.get("problems", [])
        ]
        raise click.ClickException("\n".join(lines)) from None
    for problem in result.problems:
        click.echo(f"line {problem.line}: {problem.message}", err=True)
    verb = "would book" if dry_run else "booked"
    count = len(result.bookings) if dry_run else result.booked
    click.echo(
        f"{verb} {count} of {result.total_rows} rows"
        f" ({result.already_imported} already imported, {len(result.problems)} problems)"
    )


@main.group()
def projections() -> None:
    """Maintain the read tables."""


@projections.command("rebuild")
def projections_rebuild() -> None:
    """Empty the read tables and replay every event from position 0."""

    async def work(ledger: Ledger):
        return await rebuild(ledger.pool)

    report = run(work)
    rate = report.events / report.seconds if report.seconds else 0
    click.echo(
        f"rebuilt from {report.events} events ({report.journal_lines} journal lines) up to "
        f"position {report.position} in {report.seconds:.2f} s ({rate:,.0f} events/s)"
    )


__all__ = ["main"]


if __name__ == "__main__":
    main()
