"""Reading values out of e-invoice XML: text, Decimal amounts, attributes — one set of helpers
for both syntaxes, each bound to its namespaces."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from lxml import etree

from ledger.einvoice.errors import EInvoiceInvalid


class Fields:
    def __init__(self, namespaces: dict[str, str]) -> None:
        self.namespaces = namespaces

    def text(self, element: etree._Element, path: str) -> str | None:
        found = element.find(path, self.namespaces)
        if found is None or found.text is None or not found.text.strip():
            return None
        return found.text.strip()

    def attribute(self, element: etree._Element, path: str, name: str) -> str | None:
        found = element.find(path, self.namespaces)
        return None if found is None else found.get(name)

    def decimal(self, element: etree._Element, path: str) -> Decimal | None:
        found = element.find(path, self.namespaces)
        return None if found is None else number(found)


def number(element: etree._Element) -> Decimal | None:
    """The element's text as a Decimal (None when empty); refused when it is no number."""
    text = (element.text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise EInvoiceInvalid(
            f"{etree.QName(element).localname} at line {element.sourceline} is not a number: "
            f"{text!r}.",
            line=element.sourceline,
        )
    return value
