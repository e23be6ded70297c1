"""Structured e-invoices (XRechnung UBL and CII, ZUGFeRD / Factur-X) read into one normalized
invoice (EN 16931 business terms)."""
