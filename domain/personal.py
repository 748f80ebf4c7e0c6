"""Which event fields hold personal data, and what such a field looks like sealed.

A field is personal by its *name*, wherever it sits in an event (the actor's `name` too): the event store seals
it with the account's data key (`workers/shredding.py`), and the NATS contract publishes that very ciphertext,
so deleting the account's key erases it from both. The sealing itself needs cryptography and SQL, so it lives
in `workers/`; the domain only names the fields and the shape.
"""

from collections.abc import Callable
from typing import Any

import msgspec

PERSONAL = frozenset({"email", "name", "street", "postal_code", "city", "country", "phone", "holder",
                      "password_hash", "secret", "two_factor_secret", "recovery_digests", "recovery_digest", "to",
                      "subject", "body", "reason", "comment", "address", "code_digest", "vat_id", "payment_token"})
SEALED = "_sealed"  # a sealed field: {"_sealed": base64(nonce + ciphertext), "_kind": "s" | "l" | "d" | "o"}
ERASED: dict[str, Any] = {"s": "[erased]", "l": [], "d": {}, "o": None}  # what a field reads as once its key is destroyed


class Sealed(msgspec.Struct, frozen=True):
    """A personal field as published: AES-256-GCM under the account's data key, the associated data being the
    account id's 16 bytes followed by the field's name; `_kind` says what it opens to (string, list, object,
    other), and so what it reads as once the key is destroyed."""

    sealed: str = msgspec.field(name=SEALED)  # base64 of the 12-byte nonce followed by the ciphertext
    kind: str = msgspec.field(name="_kind")


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and SEALED in value


def kind_of(value: Any) -> str:
    return "s" if isinstance(value, str) else "l" if isinstance(value, list) else "d" if isinstance(value, dict) \
        else "o"


def each_personal(obj: dict[str, Any], change: Callable[[str, Any], Any]) -> dict[str, Any]:
    """`obj` with every personal field (at any depth, not inside a sealed one) replaced by `change(name, value)`."""
    out = {}
    for name, value in obj.items():
        if name in PERSONAL and value is not None:
            out[name] = change(name, value)
        elif isinstance(value, dict) and not is_sealed(value):
            out[name] = each_personal(value, change)
        else:
            out[name] = value
    return out


def erased(obj: dict[str, Any]) -> dict[str, Any]:
    """`obj` as it reads once its account's key is destroyed, whether its personal fields are sealed or open."""
    return each_personal(obj, lambda _, value: ERASED[value["_kind"] if is_sealed(value) else kind_of(value)])
