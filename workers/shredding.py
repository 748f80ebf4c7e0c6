"""Crypto-shredding: every personal field of an account's stored events is encrypted with the account's own
data key, so destroying the key erases the data while the append-only event store stays as it is.

`eventsourcing` has one cipher per application, over the whole stored state; here the application's mapper
(MAPPER_TOPIC) wraps its transcoder instead and seals single fields (names, e-mail addresses, phones,
addresses, password hashes, second-factor secrets, message texts), leaving the account id and everything else
in the clear. Data keys live in PostgreSQL (`account_keys`), each wrapped with the master key from
PORTAL_MASTER_KEY or PORTAL_MASTER_KEY_FILE; the account's tombstone row remains when its key is destroyed, so
nothing is ever written for it again. Events stored before this existed hold plain values and read as before.

It lives in workers/ (with the recorder) because the domain imports no cryptography and no SQL.
"""

import base64
import contextlib
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Cipher, Compressor, Mapper, Transcoder
from eventsourcing.utils import Environment

PERSONAL = frozenset({"email", "name", "street", "postal_code", "city", "country", "phone", "holder",
                      "password_hash", "secret", "two_factor_secret", "recovery_digests", "recovery_digest", "to",
                      "subject", "body", "reason", "code_digest", "vat_id", "payment_token"})
SEALED = "_sealed"  # a sealed field: {"_sealed": base64(nonce + ciphertext), "_kind": "s" | "l" | "d" | "o"}
ERASED = {"s": "[erased]", "l": [], "d": {}, "o": None}  # what a field reads as once its key is destroyed
CACHE_SECONDS = 30.0  # another process destroying a key is seen here at most this late


class KeyDestroyed(Exception):
    """The account was deleted: nothing more may be stored for it."""


def master_key(env: Environment | dict[str, str]) -> bytes:
    encoded = env.get("PORTAL_MASTER_KEY") or ""
    if not encoded and env.get("PORTAL_MASTER_KEY_FILE"):
        encoded = Path(env.get("PORTAL_MASTER_KEY_FILE") or "").read_text().strip()
    if not encoded:
        raise SystemExit("Set PORTAL_MASTER_KEY (32 random bytes, base64) or PORTAL_MASTER_KEY_FILE: it wraps "
                         "every account's data key (`portal dev` makes one in its data folder)")
    key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    if len(key) != 32:
        raise SystemExit("PORTAL_MASTER_KEY must be 32 bytes, base64-encoded")
    return key


def new_master_key() -> str:
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


class AccountKeys:
    """The data keys, wrapped by the master key, cached in process. Constructed by `eventsourcing` from the
    application's environment (CIPHER_TOPIC), which also names the database."""

    def __init__(self, environment: Environment) -> None:
        self.master = AESGCM(master_key(environment))
        self.conninfo = psycopg.conninfo.make_conninfo(
            dbname=environment.get("POSTGRES_DBNAME"), host=environment.get("POSTGRES_HOST"),
            port=environment.get("POSTGRES_PORT"), user=environment.get("POSTGRES_USER"),
            password=environment.get("POSTGRES_PASSWORD") or None)
        self.lock = threading.Lock()
        self.conn: psycopg.Connection[Any] | None = None
        self.cache: dict[UUID, tuple[float, AESGCM | None]] = {}

    def key(self, account_id: UUID, create: bool) -> AESGCM | None:
        """The account's data key; None once destroyed (or, when not `create`, never made)."""
        cached = self.cache.get(account_id)
        if cached and cached[0] > time.monotonic() and (cached[1] is not None or not create):
            return cached[1]
        with self.lock:
            row = self._row(account_id)
            if row is None and create:
                nonce, data_key = os.urandom(12), AESGCM.generate_key(bit_length=256)
                wrapped = nonce + self.master.encrypt(nonce, data_key, account_id.bytes)
                self._sql("INSERT INTO account_keys (account_id, wrapped) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                          account_id, wrapped)
                row = self._row(account_id)  # another process may have won: use its key
        key = None
        if row is not None and row[0] is not None:
            key = AESGCM(self.master.decrypt(row[0][:12], row[0][12:], account_id.bytes))
        if row is not None or not create:
            self.cache[account_id] = (time.monotonic() + CACHE_SECONDS, key)
        if key is None and create:
            raise KeyDestroyed(f"Account {account_id} was deleted; nothing more is stored for it")
        return key

    def destroy(self, account_id: UUID) -> None:
        """Erase the account's personal data for good: its key goes, a tombstone stays."""
        with self.lock:
            self._sql("""INSERT INTO account_keys (account_id, wrapped, destroyed_at) VALUES (%s, NULL, now())
                         ON CONFLICT (account_id) DO UPDATE SET wrapped = NULL, destroyed_at = now()""", account_id)
        self.cache[account_id] = (time.monotonic() + CACHE_SECONDS, None)

    def _row(self, account_id: UUID) -> tuple[bytes | None] | None:
        return self._sql("SELECT wrapped FROM account_keys WHERE account_id = %s", account_id)

    def _sql(self, query: str, *args: Any) -> Any:
        if self.conn is None or self.conn.closed:
            self.conn = psycopg.connect(self.conninfo, autocommit=True)
        return self.conn.execute(query, args).fetchone() if query.startswith("SELECT") else \
            self.conn.execute(query, args)


class SealingTranscoder(Transcoder):
    """Seals the personal fields of each event's state before it is encoded; opens them after decoding."""

    def __init__(self, inner: Transcoder, keys: AccountKeys) -> None:
        self.inner = inner
        self.keys = keys

    def encode(self, obj: Any) -> bytes:
        account_id = owner_of(obj)
        if account_id is None:
            return self.inner.encode(obj)
        # Only an event with personal fields needs the key: a deleted account's e-mail may still be marked sent.
        return self.inner.encode(self._walk(obj, lambda name, value: self._seal(account_id, name, value)))

    def decode(self, data: bytes) -> Any:
        obj = self.inner.decode(data)
        account_id = owner_of(obj)
        if account_id is None:
            return obj
        return self._walk(obj, lambda name, value: self._open(account_id, name, value))

    def _walk(self, obj: dict[str, Any], change: Any) -> dict[str, Any]:
        out = {}
        for name, value in obj.items():
            if name in PERSONAL and value is not None:
                out[name] = change(name, value)
            elif isinstance(value, dict) and SEALED not in value:
                out[name] = self._walk(value, change)
            else:
                out[name] = value
        return out

    def _seal(self, account_id: UUID, name: str, value: Any) -> Any:
        if isinstance(value, dict) and SEALED in value:
            return value
        key = self.keys.key(account_id, create=True)
        nonce = secrets.token_bytes(12)
        sealed = key.encrypt(nonce, self.inner.encode(value), account_id.bytes + name.encode())  # type: ignore[union-attr]
        kind = "s" if isinstance(value, str) else "l" if isinstance(value, list) else "d" if isinstance(value, dict) \
            else "o"
        return {SEALED: base64.b64encode(nonce + sealed).decode(), "_kind": kind}

    def _open(self, account_id: UUID, name: str, value: Any) -> Any:
        if not (isinstance(value, dict) and SEALED in value):
            return value  # stored before crypto-shredding: plain
        key = self.keys.key(account_id, create=False)
        if key is None:
            return ERASED[value["_kind"]]
        raw = base64.b64decode(value[SEALED])
        return self.inner.decode(key.decrypt(raw[:12], raw[12:], account_id.bytes + name.encode()))


def owner_of(obj: Any) -> UUID | None:
    """The account an event (or a snapshot's state) belongs to."""
    if not isinstance(obj, dict):
        return None
    found = obj.get("account_id") or (obj.get("state") or {}).get("account_id")
    return found if isinstance(found, UUID) else None


class ShreddingMapper(Mapper):  # type: ignore[type-arg]
    """The application's mapper (MAPPER_TOPIC); the "cipher" `eventsourcing` hands it is the key store
    (CIPHER_TOPIC), used field by field instead of over the whole state."""

    def __init__(self, transcoder: Transcoder, compressor: Compressor | None = None,
                 cipher: Cipher | None = None) -> None:
        if not isinstance(cipher, AccountKeys):
            raise SystemExit("ShreddingMapper needs CIPHER_TOPIC=workers.shredding:AccountKeys")
        super().__init__(SealingTranscoder(transcoder, cipher), compressor, None)
        self.keys = cipher

    def forget(self, account_id: UUID) -> None:
        """Destroy the account's data key: its personal fields read as erased from now on."""
        self.keys.destroy(account_id)
