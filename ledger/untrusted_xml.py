"""Parsing XML we did not write (bank statements, e-invoices): no entity expansion, no DTD, no
network, no huge trees, a size limit — and a DTD declared at all is refused, so neither an
entity bomb nor an external entity is ever looked at."""

from __future__ import annotations

from lxml import etree

from ledger.errors import Rejected


def safe_root(
    content: bytes, *, bytes_max: int, refusal: type[Rejected], what: str
) -> etree._Element:
    """The document's root element; `refusal` (e.g. StatementInvalid) says why it is not."""
    if len(content) > bytes_max:
        raise refusal(f"The {what} is larger than {bytes_max:,} bytes.")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise refusal(
            f"The {what} is not well-formed XML: {error.msg} (line {error.lineno}).",
            line=error.lineno,
        ) from None
    if root.getroottree().docinfo.doctype:
        raise refusal(f"The {what} declares a DTD, which is not accepted.")
    return root
