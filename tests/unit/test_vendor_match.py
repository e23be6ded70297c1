"""Matching an invoice to a known vendor: VAT ID before IBAN before name, names compared
without case, umlauts, legal forms or punctuation, ties and inactive-only hits left to a human
as `ambiguous`, and a valid VAT ID on the invoice vetoing a vendor found by IBAN or name.

Method: one complete invoice and a handful of vendors; each test changes only what its rule
is about, through `invoice(...)` and `vendor(...)`."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import msgspec
import pytest

from ledger.einvoice.extracted import ExtractedInvoice
from ledger.einvoice.vendor_match import (
    CANDIDATES_MAX,
    UNMATCHED,
    VendorCandidate,
    VendorMatch,
    match_vendor,
    normalized_name,
)

VAT_ID = "DE136695976"  # valid check digits, as are the next two
OTHER_VAT_ID = "DE123456788"
THIRD_VAT_ID = "DE812345673"
IBAN = "DE89370400440532013000"
OTHER_IBAN = "DE02500105170137075030"

INVOICE = ExtractedInvoice(
    layer="pdf_text",
    profile=None,
    document_type="invoice",
    vendor_name="Muster Bürobedarf GmbH",
    vendor_vat_id=VAT_ID,
    vendor_iban=IBAN,
)


def invoice(**overrides: object) -> ExtractedInvoice:
    return msgspec.structs.replace(INVOICE, **overrides)


def vendor(number: int, name: str = "Anderer Lieferant KG", **overrides: object) -> VendorCandidate:
    fields: dict[str, object] = {"vat_id": None, "iban": None, **overrides}
    return VendorCandidate(vendor_id=UUID(int=number), name=name, **fields)  # type: ignore[arg-type]


def matched(number: int, method: str, confidence: str, *candidates: int) -> VendorMatch:
    return VendorMatch(
        status="matched",
        vendor_id=UUID(int=number),
        confidence=Decimal(confidence),
        match_method=method,  # type: ignore[arg-type]
        candidates=tuple(UUID(int=n) for n in candidates),
    )


def ambiguous(method: str, confidence: str, *candidates: int) -> VendorMatch:
    return VendorMatch(
        status="ambiguous",
        vendor_id=None,
        confidence=Decimal(confidence),
        match_method=method,  # type: ignore[arg-type]
        candidates=tuple(UUID(int=n) for n in candidates),
    )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Müller GmbH & Co. KG", "mueller"),
        ("MUELLER", "mueller"),
        ("Bäckerei Schön UG (haftungsbeschränkt)", "baeckerei schoen"),
        ("Straßenbau Groß AG", "strassenbau gross"),
        ("Hans Meier e.K.", "hans meier"),
        ("ACME Ltd.", "acme"),
        ("Acme, Inc.", "acme"),
        ("Café Crème SE", "cafe creme"),
        ("Schulz & Partner OHG", "schulz partner"),
        ("Agentur Nord GbR", "agentur nord"),
        ("GmbH", ""),
    ],
)
def test_names_are_compared_without_case_umlauts_legal_forms_or_punctuation(written, expected):
    assert normalized_name(written) == expected


@pytest.mark.parametrize("written", [VAT_ID, "de 136 695 976", "DE136.695.976", " DE 136695976 "])
def test_an_equal_vat_id_matches_with_full_confidence_however_it_is_spaced(written):
    vendors = [vendor(1, vat_id=VAT_ID), vendor(2)]

    assert match_vendor(invoice(vendor_vat_id=written), vendors) == matched(1, "vat_id", "1.00")


def test_a_vat_id_with_wrong_check_digits_is_no_evidence_even_when_equal():
    vendors = [vendor(1, vat_id="DE136695977")]

    result = match_vendor(invoice(vendor_vat_id="DE136695977", vendor_iban=None), vendors)

    assert result == UNMATCHED


@pytest.mark.parametrize("written", [IBAN, "DE89 3704 0044 0532 0130 00", "de89370400440532013000"])
def test_an_equal_iban_matches_with_confidence_095(written):
    vendors = [vendor(1, iban=IBAN)]

    result = match_vendor(invoice(vendor_vat_id=None, vendor_iban=written), vendors)

    assert result == matched(1, "iban", "0.95")


@pytest.mark.parametrize(
    ("on_invoice", "on_record"),
    [
        ("Müller GmbH & Co. KG", "mueller"),
        ("Bäckerei Schön UG (haftungsbeschränkt)", "Baeckerei Schoen"),
        ("Hans Meier e.K.", "HANS MEIER"),
        ("ACME Ltd.", "Acme Inc"),
    ],
)
def test_an_equal_normalized_name_matches_with_confidence_085(on_invoice, on_record):
    vendors = [vendor(1, on_record), vendor(2)]

    result = match_vendor(invoice(vendor_name=on_invoice, vendor_vat_id=None), vendors)

    assert result == matched(1, "name", "0.85")


@pytest.mark.parametrize(
    ("on_invoice", "on_record", "confidence"),
    [
        # "consulting mustermann" vs "consulting musterman": ratio 40/41 = 0.976 → 0.78
        ("Mustermann Consulting GmbH", "Musterman Consulting", "0.78"),
        # the same words in another order: ratio 1.0, still below an equal name
        ("Bau Müller GmbH", "Müller Bau", "0.80"),
    ],
)
def test_a_similar_name_matches_with_its_similarity_times_08(on_invoice, on_record, confidence):
    vendors = [vendor(1, on_record)]

    result = match_vendor(invoice(vendor_name=on_invoice, vendor_vat_id=None), vendors)

    assert result == matched(1, "name", confidence)


@pytest.mark.parametrize(
    ("on_invoice", "on_record"),
    [
        ("Mueller", "Mueller Bau"),  # ratio 14/18 = 0.78, below 0.8
        ("Muster Bürobedarf GmbH", "Beispiel Druck AG"),
        ("GmbH", "GmbH"),  # nothing left once the legal form is gone
    ],
)
def test_a_name_too_different_or_empty_is_no_evidence(on_invoice, on_record):
    vendors = [vendor(1, on_record)]

    result = match_vendor(invoice(vendor_name=on_invoice, vendor_vat_id=None), vendors)

    assert result == UNMATCHED


def test_no_vendors_or_nothing_extracted_is_unmatched():
    empty = invoice(vendor_name=None, vendor_vat_id=None, vendor_iban=None)

    assert match_vendor(INVOICE, []) == UNMATCHED
    assert match_vendor(empty, [vendor(1, "Muster Bürobedarf", vat_id=VAT_ID)]) == UNMATCHED


@pytest.mark.parametrize(
    ("vendors", "expected"),
    [
        # VAT ID beats IBAN and name; the others stay candidates, strongest evidence first
        (
            [vendor(1, "Muster Bürobedarf"), vendor(2, iban=IBAN), vendor(3, vat_id=VAT_ID)],
            matched(3, "vat_id", "1.00", 2, 1),
        ),
        # IBAN beats an equal name
        (
            [vendor(1, "Muster Bürobedarf"), vendor(2, iban=IBAN)],
            matched(2, "iban", "0.95", 1),
        ),
        # an equal name beats a similar one
        (
            [vendor(1, "Muster Bürobedarf Berlin"), vendor(2, "Muster Bürobedarf")],
            matched(2, "name", "0.85", 1),
        ),
    ],
)
def test_vat_id_decides_before_iban_before_name(vendors, expected):
    assert match_vendor(INVOICE, vendors) == expected


@pytest.mark.parametrize(
    ("vendors", "overrides", "expected"),
    [
        # a VAT ID on two records
        (
            [vendor(1, "B", vat_id=VAT_ID), vendor(2, "A", vat_id=VAT_ID)],
            {},
            ambiguous("vat_id", "1.00", 2, 1),
        ),
        # a factoring company's IBAN shared by two vendors
        (
            [vendor(1, "B", iban=IBAN), vendor(2, "A", iban=IBAN)],
            {"vendor_vat_id": None},
            ambiguous("iban", "0.95", 2, 1),
        ),
        # two legal forms of one name
        (
            [vendor(1, "Müller KG"), vendor(2, "Mueller GmbH")],
            {"vendor_name": "Müller GmbH & Co. KG", "vendor_vat_id": None, "vendor_iban": None},
            ambiguous("name", "0.85", 2, 1),
        ),
    ],
)
def test_several_vendors_equal_at_the_deciding_step_are_ambiguous(vendors, overrides, expected):
    assert match_vendor(invoice(**overrides), vendors) == expected


@pytest.mark.parametrize(
    ("vendors", "expected"),
    [
        # re-created after deactivation: the active record wins, the old one stays a candidate
        (
            [vendor(1, vat_id=VAT_ID, is_active=False), vendor(2, vat_id=VAT_ID)],
            matched(2, "vat_id", "1.00", 1),
        ),
        # only a deactivated vendor: a human decides
        (
            [vendor(1, vat_id=VAT_ID, is_active=False)],
            ambiguous("vat_id", "1.00", 1),
        ),
        # a deactivated vendor with the stronger evidence blocks the weaker active one,
        # and is listed after it
        (
            [
                vendor(1, "Muster Bürobedarf", is_active=False),
                vendor(2, "Muster Bürobedarf Berlin"),
            ],
            ambiguous("name", "0.85", 2, 1),
        ),
        # a deactivated vendor with weaker evidence does not get in the way
        (
            [
                vendor(1, "Muster Bürobedarf Berlin", is_active=False),
                vendor(2, "Muster Bürobedarf"),
            ],
            matched(2, "name", "0.85", 1),
        ),
    ],
)
def test_an_inactive_vendor_never_wins_alone_or_over_an_active_one(vendors, expected):
    assert match_vendor(invoice(vendor_iban=None), vendors) == expected


@pytest.mark.parametrize(
    ("vendor_vat_id", "expected"),
    [
        (OTHER_VAT_ID, ambiguous("iban", "0.95", 1)),  # another VAT ID: not this vendor?
        (None, matched(1, "iban", "0.95")),  # no VAT ID on record: nothing contradicts
        (VAT_ID, matched(1, "vat_id", "1.00")),  # the same one: found by VAT ID in the first place
    ],
)
def test_a_valid_vat_id_on_the_invoice_vetoes_a_vendor_found_by_iban(vendor_vat_id, expected):
    vendors = [vendor(1, iban=IBAN, vat_id=vendor_vat_id)]

    assert match_vendor(INVOICE, vendors) == expected


@pytest.mark.parametrize(
    ("invoice_vat_id", "expected"),
    [
        (THIRD_VAT_ID, ambiguous("name", "0.85", 1)),  # valid and different: contradicts
        ("DE000000001", matched(1, "name", "0.85")),  # wrong check digits: says nothing
        (None, matched(1, "name", "0.85")),
    ],
)
def test_only_a_valid_vat_id_vetoes_a_vendor_found_by_name(invoice_vat_id, expected):
    vendors = [vendor(1, "Muster Bürobedarf", vat_id=OTHER_VAT_ID)]

    result = match_vendor(invoice(vendor_vat_id=invoice_vat_id, vendor_iban=None), vendors)

    assert result == expected


def test_candidates_are_capped_for_the_review_ui():
    namesakes = [vendor(n, f"Muster Bürobedarf {n:02}") for n in range(1, CANDIDATES_MAX + 5)]
    vendors = [vendor(99, vat_id=VAT_ID), *namesakes]

    result = match_vendor(invoice(vendor_iban=OTHER_IBAN), vendors)

    assert (result.status, result.vendor_id) == ("matched", UUID(int=99))
    assert result.candidates == tuple(UUID(int=n) for n in range(1, CANDIDATES_MAX + 1))
