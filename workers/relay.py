"""The relay: follows the event store's notification log in order and publishes each event to JetStream.

`Nats-Msg-Id` is the notification id, so a re-publish after a crash is dropped by JetStream; each publish
also names the previous id in `Nats-Expected-Last-Msg-Id`, so a gap or a second relay is refused by the
server instead of corrupting the order. The stream is the checkpoint (after a NATS crash that lost its
tail we simply publish again); the position is also recorded in PostgreSQL for readiness and lag metrics.
Only the holder of a PostgreSQL advisory lock publishes; a standby waits for it.
"""

import asyncio
import logging

import asyncpg
import msgspec
from nats.js import JetStreamContext
from nats.js.errors import APIError

from domain.application import Portal
from domain.contract import subject, to_public
from workers.config import Settings, event_store_env
from workers.stream import connect, ensure_stream, pause, stream_tail

LOCK_KEY = 7_401_002
BATCH = 500
WRONG_LAST_MSG_ID = 10070  # JetStream refused a publish whose Nats-Expected-Last-Msg-Id did not match
IDLE_POLL = 1.0  # seconds between looks at an idle notification log, should a notification go missing
ACK_TIMEOUT = 10.0  # seconds for JetStream to acknowledge a batch

log = logging.getLogger("portal.relay")


async def first_of(*events: asyncio.Event, timeout: float) -> None:
    waiters = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def wait_for_lock(conn: asyncpg.Connection, stop: asyncio.Event) -> bool:
    logged = False
    while not stop.is_set():
        if await conn.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY):
            return True
        if not logged:
            log.info("another relay is publishing; standing by")
            logged = True
        await pause(stop, 1.0)
    return False


class Relay:
    def __init__(self, app: Portal, js: JetStreamContext, db: asyncpg.Connection) -> None:
        self.app = app
        self.js = js
        self.db = db
        self.last: int | None = None

    async def start(self) -> None:
        await ensure_stream(self.js)
        tail = await stream_tail(self.js)
        self.last = tail.position if tail else None
        if self.last is None:  # empty stream (new, or purged): resume from our own record
            self.last = await self.db.fetchval("SELECT position FROM relay_position") or None
        log.info("relaying from position %s", (self.last or 0) + 1)

    async def relay_once(self) -> int:
        """Publish the next batch of notifications; answers how many were published."""
        start = (self.last or 0) + 1
        notifications = await asyncio.to_thread(self.app.recorder.select_notifications, start, BATCH)
        acks = []
        for n in notifications:
            event = to_public(self.app.mapper.to_published_event(n))  # personal fields sealed
            headers = {"Nats-Msg-Id": str(n.id), "Portal-Position": str(n.id),
                       "Portal-Event-Type": type(event).__name__,
                       "Portal-Schema-Version": str(event.SCHEMA_VERSION)}
            if self.last is not None:
                headers["Nats-Expected-Last-Msg-Id"] = str(self.last)
            # Pipelined: the server applies them in order, and each names its predecessor.
            acks.append(await self.js.publish_async(subject(event), msgspec.json.encode(event),
                                                    headers=headers))
            self.last = n.id
        try:
            results = await asyncio.wait_for(asyncio.gather(*acks, return_exceptions=True), timeout=ACK_TIMEOUT)
        except TimeoutError:
            results = [TimeoutError()]  # nats-py leaves a refused publish_async unanswered rather than failed
        if any(isinstance(r, TimeoutError) or (isinstance(r, APIError) and r.err_code == WRONG_LAST_MSG_ID)
               for r in results):
            # A publish was refused (the stream's tail was not the one we named) or NATS went away with our
            # messages in flight. The order is intact either way: re-read the stream's tail and go on from there
            # (if NATS is still down, this raises and the supervisor restarts us).
            log.warning("publishes unconfirmed; re-syncing from the stream's last message")
            await self.start()
            return 0
        for result in results:
            if isinstance(result, BaseException):
                raise result
        if notifications:
            await self.db.execute(
                """INSERT INTO relay_position (id, position) VALUES (true, $1)
                   ON CONFLICT (id) DO UPDATE SET position = $1, updated_at = now()""", self.last)
        return len(notifications)


async def run(settings: Settings, stop: asyncio.Event) -> None:
    db = await asyncpg.connect(settings.database_url)
    nc = await connect(settings.nats_url, "portal-relay")
    app = Portal(env=event_store_env(settings.database_url))
    try:
        if not await wait_for_lock(db, stop):
            return
        relay = Relay(app, nc.jetstream(), db)
        await relay.start()
        # The event store NOTIFYs its channel on every insert: an idle relay wakes at once instead of polling.
        recorded = asyncio.Event()
        await db.add_listener(app.recorder.channel_name, lambda *_: recorded.set())
        while not stop.is_set():
            if db.is_closed():
                raise RuntimeError("lost the PostgreSQL connection holding the relay lock")
            recorded.clear()  # before reading: a commit after this point wakes the wait below
            if await relay.relay_once() == 0:
                await first_of(recorded, stop, timeout=IDLE_POLL)
    finally:
        await nc.drain()
        await db.close()
        app.close()
