"""The `ledger` command line against a real database: tenants, users, keys, a rebuild.

Runs the console entry point in subprocesses (as a user would) against a database of its
own, and checks what each command prints and what it leaves in the books.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path

from api.bootstrap import Ledger
from ledger.intents import BookingLine, PostBooking
from projections.exports.datev_check import check
from tests.http.mailing import XRECHNUNG, mail
from tests.integration.conftest import TEST_ACTOR, approved_payment_run, new_tenant
from tests.integration.test_chain import run_cli


def ok(database_url: str, *args: str) -> str:
    result = run_cli(database_url, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


async def test_tenants_users_and_keys_are_managed_from_the_command_line(own_ledger: Ledger):
    url = own_ledger.database_url
    created = ok(
        url,
        "tenants",
        "create",
        "--name",
        "Muster GmbH",
        "--owner-email",
        "chefin@muster.example",
        "--framework",
        "skr03",
        "--fiscal-year-start",
        "7",
    )
    assert re.search(r"api key ll_[0-9a-f]{64}", created)
    assert "Muster GmbH (SKR03)" in created
    assert "skr03  Muster GmbH" in ok(url, "tenants", "list")

    ok(
        url,
        "users",
        "create",
        "--tenant",
        "Muster GmbH",
        "--email",
        "buchhaltung@muster.example",
        "--name",
        "Bea Buchhalterin",
        "--role",
        "member",
    )
    users = ok(url, "users", "list", "--tenant", "Muster GmbH")
    assert "buchhaltung@muster.example" in users
    assert "member" in users

    issued = ok(
        url,
        "keys",
        "create",
        "--tenant",
        "Muster GmbH",
        "--user",
        "buchhaltung@muster.example",
        "--label",
        "DATEV-Import",
        "--scope",
        "journal:write",
    )
    key_id = re.search(r"key id  ([0-9a-f-]{36})", issued)
    assert key_id is not None
    listed = ok(url, "keys", "list", "--tenant", "Muster GmbH")
    assert "DATEV-Import" in listed
    assert "journal:write" in listed

    ok(url, "keys", "revoke", "--tenant", "Muster GmbH", key_id[1])
    assert re.search(
        rf"{key_id[1]}\s+ll_[0-9a-f]{{8}}…\s+revoked",
        ok(url, "keys", "list", "--tenant", "Muster GmbH"),
    )


def test_unknown_tenant_is_a_clear_error_not_a_traceback(own_ledger: Ledger):
    result = run_cli(own_ledger.database_url, "users", "list", "--tenant", "Nobody GmbH")
    assert result.returncode != 0
    assert "no tenant 'Nobody GmbH'" in result.stderr
    assert "Traceback" not in result.stderr


def test_rebuild_and_verify_report_what_they_did(own_ledger: Ledger):
    url = own_ledger.database_url
    ok(url, "tenants", "create", "--name", "Leer GmbH", "--owner-email", "o@leer.example")
    assert "rebuilt from" in ok(url, "projections", "rebuild")
    assert " ok " in ok(url, "verify")


def test_export_gdpdu_writes_the_data_carrier_into_an_empty_directory(
    own_ledger: Ledger, tmp_path: Path
):
    url = own_ledger.database_url
    ok(url, "tenants", "create", "--name", "Export GmbH", "--owner-email", "o@export.example")
    out = tmp_path / "carrier"
    args = ("export", "gdpdu", "--tenant", "Export GmbH", "--from", "2026-01-01")

    written = ok(url, *args, "--to", "2026-12-31", "--out", str(out))

    assert "wrote 7 files (0 journal lines)" in written
    assert {path.name for path in out.iterdir()} >= {"index.xml", "gdpdu-01-08-2002.dtd"}
    again = run_cli(url, *args, "--to", "2026-12-31", "--out", str(out))
    assert again.returncode != 0
    assert "is not empty" in again.stderr
    backwards = run_cli(url, *args, "--to", "2025-12-31", "--out", str(tmp_path / "other"))
    assert "--from must not be after --to" in backwards.stderr


async def test_export_sepa_exports_an_approved_run_and_rewrites_the_same_file(
    own_ledger: Ledger, tmp_path: Path
):
    tenant_id = await new_tenant(own_ledger)
    run_id = await approved_payment_run(own_ledger, tenant_id)
    url = own_ledger.database_url
    first, second = tmp_path / "first.xml", tmp_path / "second.xml"

    assert "1 transfers, 119.00 EUR" in ok(
        url, "export", "sepa", "--run", str(run_id), "--out", str(first)
    )
    ok(url, "export", "sepa", "--run", str(run_id), "--out", str(second))

    assert first.read_bytes() == second.read_bytes()
    assert b"pain.001.001.03" in first.read_bytes()
    unknown = run_cli(url, "export", "sepa", "--run", str(uuid.uuid4()), "--out", str(first))
    assert "no payment run" in unknown.stderr


async def test_export_datev_writes_the_batch_and_splits_it_into_files_of_at_most_n_bookings(
    own_ledger: Ledger, tmp_path: Path
):
    url = own_ledger.database_url
    ok(url, "tenants", "create", "--name", "Datev GmbH", "--owner-email", "o@datev.example")
    args = ("export", "datev", "--tenant", "Datev GmbH", "--from", "2026-01-01", "--to")
    refused = run_cli(url, *args, "2026-12-31", "--out", str(tmp_path / "x.csv"))
    assert "DATEV_SETTINGS_MISSING" in refused.stderr
    ok(url, "tenants", "datev", "--tenant", "Datev GmbH", "--berater", "1001", "--mandant", "1")
    async with own_ledger.pool.acquire() as conn:
        tenant_id = await conn.fetchval("select id from tenants where company_name = 'Datev GmbH'")
    for day in (3, 4, 5):
        await own_ledger.writers.submit_one(
            PostBooking(
                tenant_id=tenant_id,
                actor=TEST_ACTOR,
                channel="api",
                intent_id=uuid.uuid4(),
                booking_date=date(2026, 3, day),
                description=f"Porto {day}",
                lines=(
                    BookingLine(account_number="6800", side="debit", amount_cents=100 * day),
                    BookingLine(account_number="1800", side="credit", amount_cents=100 * day),
                ),
            )
        )

    written = ok(
        url, *args, "2026-12-31", "--out", str(tmp_path / "EXTF_2026.csv"), "--rows-per-file", "2"
    )

    assert "wrote 3 bookings to EXTF_2026_001.csv, EXTF_2026_002.csv" in written
    files = [(tmp_path / f"EXTF_2026_00{n}.csv").read_bytes() for n in (1, 2)]
    assert [check(content) for content in files] == [[], []]
    first, second = (content.decode("cp1252").split("\r\n") for content in files)
    assert (len(first), len(second)) == (2 + 2 + 1, 2 + 1 + 1)  # header, headings, rows, ""
    assert first[0] == second[0]


def test_import_datev_dry_runs_and_refuses_a_file_with_a_row_it_cannot_book(own_ledger: Ledger):
    url = own_ledger.database_url
    create = ("tenants", "create", "--name", "Import GmbH", "--owner-email", "o@import.example")
    ok(url, *create, "--framework", "skr03")
    sample = Path(__file__).parents[1] / "fixtures" / "datev" / "EXTF_Buchungsstapel.csv"
    args = ("import", "datev", str(sample), "--tenant", "Import GmbH")

    dry = run_cli(url, *args, "--dry-run")

    assert dry.returncode == 0, dry.stderr
    assert "would book 1 of 2 rows (0 already imported, 1 problems)" in dry.stdout
    assert "line 4: Account 10000 does not exist here" in dry.stderr
    refused = run_cli(url, *args)
    assert refused.returncode != 0
    assert "DATEV_IMPORT_INVALID" in refused.stderr
    assert "line 4:" in refused.stderr


def test_inbox_ingest_routes_a_mail_by_its_recipient(own_ledger: Ledger, tmp_path: Path):
    url = own_ledger.database_url
    ok(url, "tenants", "create", "--name", "Post GmbH", "--owner-email", "o@post.example")
    unknown = tmp_path / "unknown.eml"
    unknown.write_bytes(mail(("r.xml", XRECHNUNG, "application/xml"), to="nobody@inbox.example"))
    refused = run_cli(url, "inbox", "ingest", str(unknown))
    assert "No tenant has an inbox" in refused.stderr
    given = tmp_path / "given.eml"
    given.write_bytes(mail(("r.xml", XRECHNUNG, "application/xml")))

    taken = ok(url, "inbox", "ingest", str(given), "--tenant", "Post GmbH")

    assert "accepted: Rechnung 471102 from rechnung@lieferant.example" in taken
    assert "r.xml: accepted" in taken
