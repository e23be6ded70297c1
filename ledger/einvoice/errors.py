"""Why an e-invoice cannot be read."""

from __future__ import annotations

from ledger.errors import Rejected


class EInvoiceInvalid(Rejected):
    """Not a readable XRechnung / ZUGFeRD / Factur-X invoice; the message names what and where."""

    code = "EINVOICE_INVALID"
