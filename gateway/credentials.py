"""The tokens a gateway process has checked, kept so that a request costs no round trip for its credentials.

Revocation is honoured on the next request. Whatever revokes a token in this process drops it here at once, and
every change to a token, an account's access or its preferences is announced by PostgreSQL at commit
(migration 220) on `portal_credentials` with the account's id, which drops that account's tokens in every
gateway process. A command that changes an account's access or preferences answers only once this process has
heard every announcement up to its change (`settled`). Nothing is kept while the listening connection is down
(PostgreSQL restarting), and an entry ends at its token's expiry.
"""

import asyncio
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg

from projections.positions import CREDENTIALS_CHANNEL

KEPT = 100_000  # tokens kept; past that the memory starts afresh
SETTLE = "settle:"  # the prefix of a process's own announcement, which tells it it has heard all before


class KnownTokens:
    def __init__(self) -> None:
        self._rows: dict[bytes, Mapping[str, Any]] = {}
        self._by_account: dict[UUID, set[bytes]] = {}
        self._settling: dict[str, asyncio.Future[None]] = {}
        self._listener: asyncpg.Connection | None = None

    async def listen(self, conn: asyncpg.Connection) -> None:
        await conn.add_listener(CREDENTIALS_CHANNEL, self._announced)
        conn.add_termination_listener(self._lost)
        self._listener = conn

    def get(self, token_hash: bytes) -> Mapping[str, Any] | None:
        row = self._rows.get(token_hash)
        if row is None or not self._listening():
            return None
        if row["expires_at"] <= datetime.now(UTC):
            self._drop(token_hash)
            return None
        return row

    def keep(self, token_hash: bytes, row: Mapping[str, Any]) -> None:
        if not self._listening():
            return
        if len(self._rows) >= KEPT:
            self.forget_all()
        account_id = UUID(bytes=row["account_id"].bytes)
        self._rows[token_hash] = {**row, "account_id": account_id}
        self._by_account.setdefault(account_id, set()).add(token_hash)

    def forget(self, *account_ids: UUID) -> None:
        for account_id in account_ids:  # asyncpg's UUIDs too
            for token_hash in self._by_account.pop(UUID(bytes=account_id.bytes), set()):
                self._rows.pop(token_hash, None)

    def forget_all(self) -> None:
        self._rows.clear()
        self._by_account.clear()

    async def settled(self, pool: asyncpg.Pool, timeout: float = 5.0) -> None:
        """Once this returns, every change committed before the call has been heard here. PostgreSQL delivers
        notifications in commit order, so hearing one's own announcement means hearing all before it; if it
        is not heard in time, nothing kept is trusted."""
        if not self._listening():
            return
        nonce = secrets.token_hex(8)
        heard = self._settling[nonce] = asyncio.get_running_loop().create_future()
        try:
            await pool.execute("SELECT pg_notify($1, $2)", CREDENTIALS_CHANNEL, SETTLE + nonce)
            await asyncio.wait_for(heard, timeout)
        except TimeoutError:
            self.forget_all()
        finally:
            self._settling.pop(nonce, None)

    def _announced(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        if payload.startswith(SETTLE):
            if (heard := self._settling.get(payload.removeprefix(SETTLE))) is not None and not heard.done():
                heard.set_result(None)
        elif payload == "*":
            self.forget_all()
        else:
            self.forget(UUID(payload))

    def _lost(self, _conn: object) -> None:
        self._listener = None
        self.forget_all()

    def _listening(self) -> bool:
        return self._listener is not None and not self._listener.is_closed()

    def _drop(self, token_hash: bytes) -> None:
        row = self._rows.pop(token_hash, None)
        if row is not None:
            self._by_account.get(row["account_id"], set()).discard(token_hash)
