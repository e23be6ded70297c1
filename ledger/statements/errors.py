"""The one refusal of every statement parser: the file is refused whole, naming where."""

from __future__ import annotations

from ledger import errors


class StatementInvalid(errors.Rejected):
    """A statement file that cannot be read; nothing of it is imported."""

    code = "STATEMENT_INVALID"
