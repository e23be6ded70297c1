"""DATEV's tax keys and our tax codes, both ways: the BU-Schlüssel a tax code is exported
with, the tax code a BU-Schlüssel (or an Automatikkonto) imports as (formats.md §5.5, §5.6).

DATEV's keys mean the same in SKR03 and SKR04; the chart picks the tax accounts when a code
is expanded (`ledger/taxcodes.py`). Generalumkehr keys (DATEV's Berichtigungsschlüssel 2, 6
for the EU keys 1x, 3 for the 9x keys) map like their base key and say `reversal`. Every
other key is refused with a ValueError naming it.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from ledger.chart import FRAMEWORKS
from ledger.tax import TaxCode


class BuMeaning(NamedTuple):
    """What a BU-Schlüssel says: our tax code (None: no tax) and whether it is a Generalumkehr."""

    tax_code: str | None
    reversal: bool


_BU_MEANINGS: Final[dict[str, BuMeaning]] = {
    "2": BuMeaning("USt7", reversal=False),
    "3": BuMeaning("USt19", reversal=False),
    "8": BuMeaning("VSt7", reversal=False),
    "9": BuMeaning("VSt19", reversal=False),
    "18": BuMeaning("VSt-igE7", reversal=False),
    "19": BuMeaning("VSt-igE19", reversal=False),
    "94": BuMeaning("VSt-13b19", reversal=False),
    "40": BuMeaning(None, reversal=False),  # cancels the tax of an Automatikkonto
    "22": BuMeaning("USt7", reversal=True),
    "23": BuMeaning("USt19", reversal=True),
    "28": BuMeaning("VSt7", reversal=True),
    "29": BuMeaning("VSt19", reversal=True),
    "68": BuMeaning("VSt-igE7", reversal=True),
    "69": BuMeaning("VSt-igE19", reversal=True),
    "34": BuMeaning("VSt-13b19", reversal=True),
    "20": BuMeaning(None, reversal=True),  # Generalumkehr without a tax key
}
AUTOMATIC_TAX_KEYS: Final = (None, "20")  # keys under which an Automatikkonto's tax applies

# BU-Schlüssel -> tax code per chart. DATEV's keys mean the same in SKR03 and SKR04; the chart
# picks the tax accounts when the code is expanded (ledger/taxcodes.py).
BU_TAX_CODES: Final[dict[str, dict[str, str | None]]] = {
    framework: {key: meaning.tax_code for key, meaning in _BU_MEANINGS.items()}
    for framework in FRAMEWORKS
}

# Automatikkonto -> the tax it carries when the row has no BU-Schlüssel (formats.md §5.5):
# every account the shipped charts mark automatic. The revenue taxed in another country
# (§ 13b services to EU businesses, third-country services) carries none of ours.
AUTOMATIC_TAX_CODES: Final[dict[str, dict[str, str | None]]] = {
    "skr03": {
        "8400": "USt19",
        "8300": "USt7",
        "8315": "USt19",
        "8310": "USt7",
        "8125": "USt0-igL",
        "8120": "USt0-Ausfuhr",
        "8336": None,
        "8338": None,
    },
    "skr04": {
        "4400": "USt19",
        "4300": "USt7",
        "4315": "USt19",
        "4310": "USt7",
        "4125": "USt0-igL",
        "4120": "USt0-Ausfuhr",
        "4336": None,
        "4338": None,
    },
}
assert set(AUTOMATIC_TAX_CODES) == set(FRAMEWORKS)


# Tax code (by kind and rate) -> the BU-Schlüssel the export writes; codes without one
# (tax-free, other rates) go out as net and tax rows of their own.
_EXPORT_KEYS: Final[dict[tuple[str, int], str]] = {
    ("output", 1900): "3",
    ("output", 700): "2",
    ("input", 1900): "9",
    ("input", 700): "8",
    ("intra_eu_acquisition", 1900): "19",
    ("intra_eu_acquisition", 700): "18",
    ("reverse_charge", 1900): "94",
    ("reverse_charge_eu", 1900): "94",
}


def export_key(code: TaxCode) -> str | None:
    """The BU-Schlüssel a booking with this tax code is exported with (None: no key)."""
    return _EXPORT_KEYS.get((code.kind, code.rate_bp))


def bu_meaning(bu_key: str | None) -> BuMeaning:
    """The tax code a BU-Schlüssel stands for and whether it is a Generalumkehr.

    Empty means no key: (None, False). ValueError names a key the table does not map.
    """
    key = (bu_key or "").strip()
    if not key:
        return BuMeaning(None, reversal=False)
    meaning = _BU_MEANINGS.get(key)
    if meaning is None:
        raise ValueError(f"BU-Schlüssel {key!r} is not mapped to a tax code")
    return meaning


def tax_code_for(bu_key: str | None, chart: str) -> str | None:
    """Our tax code for a BU-Schlüssel in `chart` (a Generalumkehr key maps like its base)."""
    if chart not in BU_TAX_CODES:
        raise ValueError(f"Unknown chart {chart!r}; expected one of {FRAMEWORKS}")
    key = (bu_key or "").strip()
    if not key:
        return None
    if key not in BU_TAX_CODES[chart]:
        raise ValueError(f"BU-Schlüssel {key!r} is not mapped to a tax code")
    return BU_TAX_CODES[chart][key]


def automatic_tax_code(account_number: str, chart: str) -> str | None:
    """The tax an Automatikkonto carries (None: none of ours); ValueError names an account
    the table lacks."""
    if chart not in AUTOMATIC_TAX_CODES:
        raise ValueError(f"Unknown chart {chart!r}; expected one of {FRAMEWORKS}")
    if account_number not in AUTOMATIC_TAX_CODES[chart]:
        raise ValueError(f"Automatikkonto {account_number} has no tax code mapping in {chart}")
    return AUTOMATIC_TAX_CODES[chart][account_number]
