"""Field encryption at rest (Fernet: AES-128-CBC with HMAC-SHA256) for identifying data.

The key comes from configuration (``IDENTITY_KEY``). Several comma-separated keys allow rotation:
the first encrypts, every one of them decrypts.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class DecryptionError(Exception):
    """A stored value cannot be read with the configured key(s)."""


def _box() -> MultiFernet:
    keys = [key.strip() for key in str(current_app.config["IDENTITY_KEY"]).split(",")
            if key.strip()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(text: str) -> str:
    """The encrypted token of ``text`` ('' stays '' so empty fields need no key)."""
    if not text:
        return ""
    return _box().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _box().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise DecryptionError("This value cannot be read with the configured IDENTITY_KEY.") \
            from exc
