"""HTTP (Litestar) and CLI entry points. Routes parse, hand over and answer; no rules here."""
