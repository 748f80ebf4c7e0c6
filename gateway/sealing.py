"""Secrets the gateway must read back in clear (an HMAC key such as the AnyDesk API password), sealed with
AES-256-GCM under PORTAL_SECRETS_KEY. Each secret is bound to what it belongs to (associated data), so a
sealed value copied onto another row does not open."""

import base64
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class SealBroken(Exception):
    """The sealed value was altered, belongs elsewhere, or was sealed under another key."""


def new_key() -> str:
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


class Sealer:
    def __init__(self, key: str) -> None:
        raw = base64.urlsafe_b64decode(key)
        if len(raw) != 32:
            raise ValueError("PORTAL_SECRETS_KEY must be 32 bytes in URL-safe base64 (44 characters)")
        self._aead = AESGCM(raw)

    def seal(self, secret: str, belongs_to: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)  # random 96-bit nonces: safe far beyond any number of resets
        return nonce + self._aead.encrypt(nonce, secret.encode(), belongs_to.encode())

    def open(self, sealed: bytes, belongs_to: str) -> str:
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], belongs_to.encode()).decode()
        except InvalidTag:
            raise SealBroken("The sealed secret does not open with this key") from None


@lru_cache(maxsize=4)
def sealer(key: str) -> Sealer:
    return Sealer(key)
