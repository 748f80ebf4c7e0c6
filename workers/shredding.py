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
import hashlib
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
import psycopg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Cipher, Compressor, Mapper, StoredEvent, Transcoder
from eventsourcing.utils import Environment

from domain.personal import ERASED, PERSONAL, SEALED, each_personal, is_sealed, kind_of

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


def seal(key: AESGCM, nonce: bytes, account_id: UUID, name: str, plain: bytes, kind: str) -> dict[str, str]:
    """A sealed field (domain.personal.Sealed): bound to its account and its field's name."""
    sealed = key.encrypt(nonce, plain, account_id.bytes + name.encode())
    return {SEALED: base64.b64encode(nonce + sealed).decode(), "_kind": kind}


def unseal(key: AESGCM, account_id: UUID, name: str, value: dict[str, str]) -> bytes:
    raw = base64.b64decode(value[SEALED])
    return key.decrypt(raw[:12], raw[12:], account_id.bytes + name.encode())


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
        return self.inner.encode(each_personal(obj, lambda name, value: self._seal(account_id, name, value)))

    def decode(self, data: bytes) -> Any:
        obj = self.inner.decode(data)
        account_id = owner_of(obj)
        if account_id is None:
            return obj
        return each_personal(obj, lambda name, value: self._open(account_id, name, value))

    def _seal(self, account_id: UUID, name: str, value: Any) -> Any:
        if is_sealed(value):
            return value
        key = self.keys.key(account_id, create=True)
        return seal(key, secrets.token_bytes(12), account_id, name, self.inner.encode(value), kind_of(value))  # type: ignore[arg-type]

    def _open(self, account_id: UUID, name: str, value: Any) -> Any:
        if not is_sealed(value):
            return value  # stored before crypto-shredding: plain
        key = self.keys.key(account_id, create=False)
        return ERASED[value["_kind"]] if key is None else self.inner.decode(unseal(key, account_id, name, value))


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
        self.as_stored = Mapper(transcoder, compressor)  # reads events without opening their sealed fields
        self.stream_keys = StreamKeys(cipher.master)  # for rebuilds, which open published bodies as projectors do

    def to_published_event(self, stored: StoredEvent) -> Any:
        """The domain event with its personal fields sealed as the event store holds them: the relay publishes
        this very ciphertext, so a rebuild and the audit chain read the same bytes the stream carries. A field
        stored in the clear (before sealing existed) is sealed here with a nonce derived from its place in the
        store, so it too reads the same every time; once the key is gone, it is published erased."""
        event = self.as_stored.to_domain_event(stored)
        account_id = owner_of(vars(event))
        if account_id is not None:
            place = stored.originator_id.bytes + stored.originator_version.to_bytes(8, "big")
            object.__setattr__(event, "__dict__", self._seal_plain(account_id, vars(event), place))
        return event

    def _seal_plain(self, account_id: UUID, obj: dict[str, Any], place: bytes) -> dict[str, Any]:
        out = {}
        for name, value in obj.items():
            here = place + b"/" + name.encode()
            if name in PERSONAL and value is not None and not is_sealed(value):
                with contextlib.suppress(KeyDestroyed):
                    key = self.keys.key(account_id, create=True)
                    nonce = hashlib.sha256(here).digest()[:12]  # one place, one plaintext: never reused
                    plain = self.as_stored.transcoder.encode(value)
                    out[name] = seal(key, nonce, account_id, name, plain, kind_of(value))  # type: ignore[arg-type]
                    continue
                out[name] = ERASED[kind_of(value)]
            elif isinstance(value, dict) and not is_sealed(value):
                out[name] = self._seal_plain(account_id, value, here)
            else:
                out[name] = value
        return out

    def forget(self, account_id: UUID) -> None:
        """Destroy the account's data key: its personal fields read as erased from now on."""
        self.keys.destroy(account_id)


class StreamKeys:
    """The projectors' side: opens the sealed fields of published events with the account's data key, read on
    the projector's own connection, in its transaction. A destroyed key reads as erased, as in the event store."""

    def __init__(self, master: AESGCM) -> None:
        self.master = master
        self.cache: dict[UUID, tuple[float, AESGCM | None]] = {}

    @classmethod
    def from_env(cls) -> "StreamKeys":
        return cls(AESGCM(master_key(dict(os.environ))))

    async def open(self, conn: asyncpg.Connection, body: bytes) -> bytes:
        """The published body with every sealed field opened (or erased); a body without one, as it is."""
        if SEALED.encode() not in body:
            return body
        event = msgspec.json.decode(body)
        account_id = UUID(event["account_id"])
        key = await self.key(conn, account_id)

        def opened(name: str, value: Any) -> Any:
            if not is_sealed(value):
                return value
            return ERASED[value["_kind"]] if key is None else msgspec.json.decode(unseal(key, account_id, name, value))

        return msgspec.json.encode(each_personal(event, opened))

    async def key(self, conn: asyncpg.Connection, account_id: UUID) -> AESGCM | None:
        cached = self.cache.get(account_id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        # Named with its schema: a rebuild points search_path at its scratch tables.
        wrapped = await conn.fetchval("SELECT wrapped FROM public.account_keys WHERE account_id = $1", account_id)
        key = AESGCM(self.master.decrypt(wrapped[:12], wrapped[12:], account_id.bytes)) if wrapped else None
        self.cache[account_id] = (time.monotonic() + CACHE_SECONDS, key)
        return key
