"""Which known vendor sent an invoice (reference §3, "E-mail inbox": vendor matching by VAT ID,
IBAN and name). Pure: the extracted fields and the tenant's vendors go in, one `VendorMatch`
comes out, for the inbox entry and the review queue.

Evidence, per vendor the strongest that applies (method, confidence):

- `vat_id`, 1.00: the extracted VAT ID is valid (`stdnum.eu.vat`: format and check digits, no
  network) and equals the vendor's, both compacted (upper case, no spaces, dots or dashes).
  An extracted VAT ID that fails its check digits is no evidence at all.
- `iban`, 0.95: the extracted IBAN is valid (schwifty) and equals the vendor's, both compact.
- `name`, 0.85: the normalized names are equal. Normalizing casefolds, spells ä ö ü as
  ae oe ue and ß as ss, drops other accents, removes legal forms (GmbH & Co. KG,
  UG (haftungsbeschränkt), GmbH, AG, KG, KGaA, OHG, GbR, SE, e.K., Ltd, Inc, …) and
  punctuation: "Müller GmbH & Co. KG" and "mueller" are one name.
- `name`, similarity × 0.8: otherwise, when the names' sorted distinct tokens, compared with
  `difflib.SequenceMatcher`, reach a ratio of at least 0.8 ("Bau Mueller" and "Mueller Bau"
  give 1.0 → 0.80). Always below an exact name.

Decision, in this order:

1. No vendor has evidence → `unmatched`, method `none`, confidence 0.00.
2. The deciding step is the first method above (VAT ID, IBAN, name) at which any vendor has
   evidence; its hits with the highest confidence are the top.
3. Exactly one active vendor in the top → `matched`. An inactive vendor ranks after active
   ones, so it never wins over an active vendor with the same evidence (a vendor re-created
   after deactivation keeps the VAT ID of the old one).
4. Several active vendors in the top → `ambiguous`. So is a top of inactive vendors only: a
   deactivated vendor is never chosen without a human, since its name and VAT ID may now
   belong to someone else.
5. A contradicting VAT ID: the winner was found by IBAN or name, the extracted VAT ID is valid
   and the winner has a different one → `ambiguous` (a shared IBAN, a namesake).

`confidence` is the strength of the deciding evidence, also when the status is `ambiguous`;
`vendor_id` is set only when `matched`. `candidates` lists the plausible vendors (any
evidence) other than the one chosen, active before inactive, then strongest evidence first,
at most `CANDIDATES_MAX`.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from difflib import SequenceMatcher
from typing import Final, Literal, NamedTuple
from uuid import UUID

import msgspec
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError

from ledger.einvoice.extracted import ExtractedInvoice

MatchStatus = Literal["matched", "ambiguous", "unmatched"]
MatchMethod = Literal["vat_id", "iban", "name", "none"]

VAT_ID_CONFIDENCE: Final = Decimal("1.00")
IBAN_CONFIDENCE: Final = Decimal("0.95")
NAME_EXACT_CONFIDENCE: Final = Decimal("0.85")
NAME_SIMILARITY_MIN: Final = Decimal("0.8")  # below this, two names are different vendors
NAME_SIMILARITY_WEIGHT: Final = Decimal("0.8")  # a similar name counts less than an equal one
CANDIDATES_MAX: Final = 10  # what the review UI lists under a match
NAME_CHARS_MAX: Final = 200  # SequenceMatcher is quadratic; longer names are cut here
_CENT: Final = Decimal("0.01")
_METHOD_ORDER: Final[tuple[MatchMethod, ...]] = ("vat_id", "iban", "name")

_UMLAUTS: Final = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# Matched after casefolding and spelling out umlauts, longest form first, as whole words.
_LEGAL_FORMS: Final = re.compile(
    r"(?<!\w)(?:"
    r"gmbh\s*&\s*co\.?\s*kgaa|gmbh\s*&\s*co\.?\s*kg|ag\s*&\s*co\.?\s*kg|se\s*&\s*co\.?\s*kg"
    r"|ug\s*\(\s*haftungsbeschr(?:aenkt|\.)?\s*\)"
    r"|gmbh|mbh|ag|kgaa|kg|ohg|gbr|se|ug|e\.\s*k(?:fm|fr)?\.?|ltd\.?|limited|inc\.?|llc"
    r")(?!\w)"
)
_NOT_A_WORD: Final = re.compile(r"[\W_]+")


class VendorCandidate(msgspec.Struct, frozen=True, kw_only=True):
    """A vendor of the tenant as matching sees it; VAT ID and IBAN as stored (compact)."""

    vendor_id: UUID
    name: str
    vat_id: str | None
    iban: str | None
    is_active: bool = True


class VendorMatch(msgspec.Struct, frozen=True, kw_only=True):
    """The vendor an invoice came from, or why no single one was chosen (module docstring)."""

    status: MatchStatus
    vendor_id: UUID | None  # set only when status == "matched"
    confidence: Decimal  # 0..1, two decimals: strength of the deciding evidence
    match_method: MatchMethod
    candidates: tuple[UUID, ...]  # other plausible vendors, best first (for the review UI)


UNMATCHED: Final = VendorMatch(
    status="unmatched",
    vendor_id=None,
    confidence=Decimal("0.00"),
    match_method="none",
    candidates=(),
)


class _Keys(NamedTuple):
    """What the invoice offers to compare with: compact VAT ID and IBAN, normalized name."""

    vat_id: str | None
    iban: str | None
    name: str


class _Evidence(NamedTuple):
    vendor: VendorCandidate
    method: MatchMethod
    confidence: Decimal


def match_vendor(extracted: ExtractedInvoice, vendors: Sequence[VendorCandidate]) -> VendorMatch:
    keys = _Keys(
        vat_id=_valid_vat_id(extracted.vendor_vat_id),
        iban=_valid_iban(extracted.vendor_iban),
        name=normalized_name(extracted.vendor_name or ""),
    )
    found = [e for vendor in vendors if (e := _evidence(vendor, keys)) is not None]
    if not found:
        return UNMATCHED
    ranked = sorted(found, key=_rank)
    deciding = min((e.method for e in found), key=_METHOD_ORDER.index)
    confidence = max(e.confidence for e in found if e.method == deciding)
    top = [e for e in ranked if e.method == deciding and e.confidence == confidence]
    top_active = [e for e in top if e.vendor.is_active]
    if len(top_active) == 1 and not _contradicts(top_active[0], keys):
        winner = top_active[0].vendor
        return VendorMatch(
            status="matched",
            vendor_id=winner.vendor_id,
            confidence=confidence,
            match_method=deciding,
            candidates=_ids(e for e in ranked if e.vendor is not winner),
        )
    return VendorMatch(
        status="ambiguous",
        vendor_id=None,
        confidence=confidence,
        match_method=deciding,
        candidates=_ids(ranked),
    )


def normalized_name(name: str) -> str:
    """`"Müller GmbH & Co. KG"` → `"mueller"`: the name as matching compares it."""
    text = name[:NAME_CHARS_MAX].casefold().translate(_UMLAUTS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _LEGAL_FORMS.sub(" ", text)
    return " ".join(_NOT_A_WORD.sub(" ", text).split())


def name_similarity(left: str, right: str) -> Decimal:
    """Ratio (0..1) of two normalized names, word order and repeated words ignored."""
    left_tokens = " ".join(sorted(set(left.split())))
    right_tokens = " ".join(sorted(set(right.split())))
    ratio = SequenceMatcher(None, left_tokens, right_tokens, autojunk=False).ratio()
    return Decimal(str(ratio))


def _evidence(vendor: VendorCandidate, keys: _Keys) -> _Evidence | None:
    """The strongest evidence that the invoice came from `vendor`, or None."""
    if keys.vat_id is not None and _compact_vat_id(vendor.vat_id) == keys.vat_id:
        return _Evidence(vendor, "vat_id", VAT_ID_CONFIDENCE)
    if keys.iban is not None and _valid_iban(vendor.iban) == keys.iban:
        return _Evidence(vendor, "iban", IBAN_CONFIDENCE)
    vendor_name = normalized_name(vendor.name)
    if not keys.name or not vendor_name:
        return None  # a name that was only a legal form says nothing
    if vendor_name == keys.name:
        return _Evidence(vendor, "name", NAME_EXACT_CONFIDENCE)
    similarity = name_similarity(keys.name, vendor_name)
    if similarity < NAME_SIMILARITY_MIN:
        return None
    confidence = (similarity * NAME_SIMILARITY_WEIGHT).quantize(_CENT, rounding=ROUND_HALF_UP)
    return _Evidence(vendor, "name", confidence)


def _contradicts(evidence: _Evidence, keys: _Keys) -> bool:
    """Found by IBAN or name, but the valid VAT ID on the invoice is not the vendor's."""
    vendor_vat_id = _compact_vat_id(evidence.vendor.vat_id)
    return (
        evidence.method != "vat_id"
        and keys.vat_id is not None
        and vendor_vat_id is not None
        and vendor_vat_id != keys.vat_id
    )


def _rank(evidence: _Evidence) -> tuple[bool, int, Decimal, str, str]:
    """Active first, then the stronger method, the higher confidence; name and id break ties."""
    vendor = evidence.vendor
    return (
        not vendor.is_active,
        _METHOD_ORDER.index(evidence.method),
        -evidence.confidence,
        vendor.name.casefold(),
        str(vendor.vendor_id),
    )


def _ids(evidence: Iterable[_Evidence]) -> tuple[UUID, ...]:
    return tuple(itertools.islice((e.vendor.vendor_id for e in evidence), CANDIDATES_MAX))


def _valid_vat_id(text: str | None) -> str | None:
    compact = _compact_vat_id(text)
    return compact if compact is not None and eu_vat.is_valid(compact) else None


def _compact_vat_id(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    try:
        return eu_vat.compact(text)
    except ValidationError:  # an unknown country prefix: compare it as written
        return "".join(text.split()).upper()


def _valid_iban(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    try:
        return IBAN(text).compact
    except SchwiftyException:
        return None


__all__ = [
    "CANDIDATES_MAX",
    "UNMATCHED",
    "VendorCandidate",
    "VendorMatch",
    "match_vendor",
    "name_similarity",
    "normalized_name",
]
