"""Heartbeats coalesced: a beat from a client this gateway knows to be online touches memory only; the latest
beat of each client is written every FLUSH_SECONDS with one statement (projections.presence.refresh).

Why the offline timer never fires while beats arrive: a client is trusted here only while the table holds a
beat of it younger than half the offline threshold, and the flush interval is far below that, so the table's
`last_seen` is never older than one flush interval plus the client's own beat interval. A gateway that dies loses
at most one interval of beats, and the next gateway to hear from the client checks the table again.

Revocation: a reset license key, a switched-off account or a removed client makes the next flush drop the
client's trust; this process forgets the account at once when it answers the change itself, and tells every
other gateway (NOTIFY on REVOKED), so the very next beat goes the slow way and is refused there.
"""

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import NamedTuple
from uuid import UUID

import asyncpg

from domain.history import fingerprint
from projections import presence

FLUSH_SECONDS = 0.25
REVOKED = "portal_device_revoked"  # payload: the account id whose devices must be checked again

log = logging.getLogger("portal.beats")


class Known(NamedTuple):
    account_id: UUID
    version: str
    confirmed: float  # time.monotonic() when the table last showed it online with a beat


class Beats:
    def __init__(self, pool: asyncpg.Pool, offline_after: float) -> None:
        self.pool = pool
        self.trust_seconds = offline_after / 2
        self.known: dict[tuple[str, str], Known] = {}  # (key fingerprint, client id) -> what the table showed
        self.latest: dict[tuple[str, str], datetime] = {}  # the latest beat not yet written, of each
        self.flushing: asyncio.Task[None] | None = None

    def absorbed(self, license_key: str, client_id: str, version: str) -> bool:
        """True when the beat is held for the next flush; False sends it the slow way (table, transitions)."""
        key = (fingerprint(license_key), client_id)
        known = self.known.get(key)
        if known is None or known.version != version or time.monotonic() - known.confirmed > self.trust_seconds:
            return False
        self.latest[key] = datetime.now(UTC)
        return True

    def confirm(self, license_key: str, client_id: str, version: str, account_id: UUID) -> None:
        """The table has just shown (or been told) that the client is online with this version and key."""
        self.known[(fingerprint(license_key), client_id)] = Known(account_id, version, time.monotonic())

    def forget(self, account_id: UUID) -> None:
        for key in [k for k, known in self.known.items() if known.account_id == account_id]:
            del self.known[key]
            self.latest.pop(key, None)

    async def revoke(self, account_id: UUID) -> None:
        """This account's devices must be checked again, here at once and in every other gateway."""
        self.forget(account_id)
        await self.pool.execute("SELECT pg_notify($1, $2)", REVOKED, str(account_id))

    async def listen(self, conn: asyncpg.Connection) -> None:
        await conn.add_listener(REVOKED, lambda *args: self.forget(UUID(args[-1])))

    async def flush(self) -> None:
        beats, self.latest = self.latest, {}
        if not beats:
            return
        at = time.monotonic()
        try:
            written = await presence.refresh(self.pool, [(fp, client_id, self.known[(fp, client_id)].version, moment)
                                                         for (fp, client_id), moment in beats.items()
                                                         if (fp, client_id) in self.known])
        except (asyncpg.PostgresError, OSError):
            log.warning("heartbeats not written; retrying with the next flush", exc_info=True)
            self.latest = {**beats, **self.latest}
            return
        for key in beats:
            known = self.known.get(key)
            if known is None:
                continue
            if key in written:
                self.known[key] = known._replace(confirmed=at)
            else:  # gone offline, another version, a reset key, a switched-off account: the slow way next time
                del self.known[key]

    async def run(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            await self.flush()

    def start(self) -> None:
        self.flushing = asyncio.create_task(self.run())

    async def stop(self) -> None:
        if self.flushing is not None:
            self.flushing.cancel()
            try:
                await self.flushing
            except asyncio.CancelledError:
                pass
        await self.flush()  # the beats held when the gateway stops in order
