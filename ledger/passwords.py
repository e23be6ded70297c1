"""Passwords: the written policy, and argon2id hashes (argon2-cffi's defaults, RFC 9106's
second recommended profile). Only the hash is kept; comparing goes through `verify`."""

from __future__ import annotations

from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

PASSWORD_CHARS_MIN: Final = 12
PASSWORD_CHARS_MAX: Final = 256
_hasher: Final = PasswordHasher()


def policy_problems(password: str, email: str) -> list[str]:
    """What the password policy finds wrong (docs/api.md, "Passwords")."""
    problems = []
    if len(password) < PASSWORD_CHARS_MIN:
        problems.append(f"at least {PASSWORD_CHARS_MIN} characters")
    if len(password) > PASSWORD_CHARS_MAX:
        problems.append(f"at most {PASSWORD_CHARS_MAX} characters")
    if len(set(password)) < 5:
        problems.append("at least 5 different characters")
    local = email.partition("@")[0].lower()
    if len(local) >= 4 and local in password.lower():
        problems.append("not the e-mail address")
    return problems


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Checked against when an address has no password, so an unknown address costs the same time.
DUMMY_HASH: Final = hash_password("no such user, no such password")
