"""The printable reports in a real browser: headless Chromium (Debian's package, which
`make test` installs where it can) loads each page, prints it to PDF, and takes a
screenshot. The printed text must carry the totals, on one A4 page. With
LEDGER_UPDATE_SCREENSHOTS=1 the screenshots replace those in docs/screenshots/."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from tests.conftest import Tenant, booking

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As root, without a sandbox; no background traffic (the machine's network is closed).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
BOOKINGS = (
    (("1800", "debit", "11900.00"), ("4400", "credit", "11900.00", "USt19"), "2026-03-02"),
    (("1800", "debit", "2140.00"), ("4300", "credit", "2140.00", "USt7"), "2026-03-04"),
    (("6815", "debit", "476.00", "VSt19"), ("1800", "credit", "476.00"), "2026-03-05"),
    (("6310", "debit", "1800.00"), ("1800", "credit", "1800.00"), "2026-03-06"),
    (("6020", "debit", "4200.00"), ("1800", "credit", "4200.00"), "2026-03-28"),
)
EXPECTED = {
    "balance_sheet": ("Bilanz", "Summe Aktiva 7.640,00 €", "Summe Passiva 7.640,00 €"),
    "income_statement": (
        "Gewinn- und Verlustrechnung",
        "Summe Erträge 12.000,00 €",
        "Jahresüberschuss / -fehlbetrag 5.600,00 €",
    ),
    "trial_balance": ("Summen- und Saldenliste", "Summe", "Die Summen stimmen überein."),
}


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM is None:
        pytest.skip(
            "Chromium is not installed and could not be (make test installs Debian's "
            "chromium where apt-get and root are available)"
        )
    return CHROMIUM


def in_browser(binary: str, profile: Path, page: Path, *action: str) -> None:
    subprocess.run(
        [binary, *FLAGS, f"--user-data-dir={profile}", *action, page.as_uri()],
        check=True,
        capture_output=True,
        timeout=90,
    )


@pytest.mark.parametrize("report", list(EXPECTED))
async def test_each_report_prints_on_one_page_in_a_real_browser(
    tenant: Tenant, chromium: str, tmp_path: Path, report: str
):
    for first, second, day in BOOKINGS:
        body = booking(first, second, day=day, description="Beispiel")
        assert (await tenant.post("/v1/bookings", body)).status_code == 201
    response = await tenant.get(
        "/api/reports/pdf",
        params={
            "entityId": str(tenant.tenant_id),
            "bookId": "main",
            "report": report,
            "from": "2026-01-01",
            "to": "2026-12-31",
        },
    )
    page = tmp_path / f"{report}.html"
    page.write_text(response.text, encoding="utf-8")
    printed, shot = tmp_path / f"{report}.pdf", tmp_path / f"{report}.png"

    in_browser(
        chromium, tmp_path / "profile", page, f"--print-to-pdf={printed}", "--no-pdf-header-footer"
    )
    in_browser(
        chromium, tmp_path / "profile", page, f"--screenshot={shot}", "--window-size=1000,1100"
    )

    pdf = pypdf.PdfReader(io.BytesIO(printed.read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages).replace("\u00a0", " ")
    assert len(pdf.pages) == 1
    for expected in EXPECTED[report]:
        assert expected in text, text
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
    if os.environ.get("LEDGER_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOTS / f"report-{report}.png")
