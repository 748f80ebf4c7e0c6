"""The projector runner: one durable pull consumer per read model, exactly-once into PostgreSQL.

Each fetched batch and the read model's tracking position commit in one transaction; an event at or below
the position is skipped; messages are acknowledged only after the commit. The relay publishes every
notification in order, so JetStream sequences have no holes: when a batch starts past the next expected
sequence (a redelivery overtaken by newer messages, or a replica holding the earlier ones), the missing
messages are read straight from the stream, so nothing is ever skipped and replicas never double-apply.
"""

import asyncio
import logging
from dataclasses import dataclass

import asyncpg
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from domain.contract import STREAM, SUBJECT_PREFIX
from projections.positions import READ_MODELS, announce
from projections.readmodel import ReadModel
from workers.config import Settings
from workers.stream import connect, ensure_stream

BATCH = 256
ACK_WAIT = 10.0  # seconds before an unacknowledged message is redelivered

log = logging.getLogger("portal.projector")


@dataclass
class Envelope:
    seq: int
    position: int
    event_type: str
    body: bytes


def envelope(seq: int, headers: dict[str, str] | None, body: bytes) -> Envelope:
    headers = headers or {}
    return Envelope(seq=seq, position=int(headers["Portal-Position"]),
                    event_type=headers["Portal-Event-Type"], body=body)


class Projector:
    def __init__(self, model: ReadModel, js: JetStreamContext, pool: asyncpg.Pool) -> None:
        self.model = model
        self.js = js
        self.pool = pool
        self.applied = 0

    async def subscribe(self) -> JetStreamContext.PullSubscription:
        await self.pool.execute(
            "INSERT INTO projection_positions (projection) VALUES ($1) ON CONFLICT DO NOTHING", self.model.name)
        config = ConsumerConfig(durable_name=f"projector-{self.model.name}", ack_policy=AckPolicy.EXPLICIT,
                                deliver_policy=DeliverPolicy.ALL, ack_wait=ACK_WAIT,
                                max_ack_pending=BATCH * 4, filter_subject=f"{SUBJECT_PREFIX}.>")
        return await self.js.pull_subscribe(f"{SUBJECT_PREFIX}.>", durable=config.durable_name,
                                            stream=STREAM, config=config)

    async def apply_batch(self, msgs: list[Msg]) -> None:
        """Apply a batch and record the position, in one transaction (acknowledging is the caller's part)."""
        batch = sorted((envelope(m.metadata.sequence.stream, m.headers, m.data) for m in msgs),
                       key=lambda e: e.seq)
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "SELECT position, stream_seq FROM projection_positions WHERE projection = $1 FOR UPDATE",
                self.model.name)
            position, seq = row["position"], row["stream_seq"]
            for e in batch:
                if e.position <= position:
                    continue  # delivered twice: already applied
                for missing in range(seq + 1, e.seq):  # a hole before it: read the stream directly
                    m = await self._stream_message(missing)
                    if m.position > position:
                        await self.model.apply(conn, m.event_type, m.body, m.position)
                        position = m.position
                    seq = missing
                await self.model.apply(conn, e.event_type, e.body, e.position)
                position, seq = e.position, e.seq
                self.applied += 1
            await conn.execute(
                """UPDATE projection_positions SET position = $2, stream_seq = $3, updated_at = now()
                   WHERE projection = $1""", self.model.name, position, seq)
            await announce(conn, self.model.name)

    async def _stream_message(self, seq: int) -> Envelope:
        try:
            raw = await self.js.get_msg(STREAM, seq=seq)
        except NotFoundError:
            raise RuntimeError(f"stream message {seq} is gone (retention?): rebuild {self.model.name} "
                               "from the event store with `portal rebuild`") from None
        return envelope(seq, raw.headers, raw.data or b"")

    async def run(self, stop: asyncio.Event) -> None:
        sub = await self.subscribe()
        log.info("projecting", extra={"projection": self.model.name})
        try:
            while not stop.is_set():
                try:
                    msgs = await sub.fetch(BATCH, timeout=0.5)
                except TimeoutError:
                    continue
                await self.apply_batch(msgs)
                for m in msgs:  # only after the commit: a crash before this means a redelivery, then a skip
                    await m.ack()
        finally:
            await sub.unsubscribe()  # a pull subscription left open makes the connection's drain hang


async def run(settings: Settings, stop: asyncio.Event, names: list[str] | None = None) -> None:
    models = [m for m in READ_MODELS if not names or m.name in names]
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=len(models) + 1)
    nc = await connect(settings.nats_url, "portal-projector")
    js = nc.jetstream()
    try:
        await ensure_stream(js)
        tasks = [asyncio.create_task(Projector(m, js, pool).run(stop)) for m in models]
        # The first failure ends the process (the supervisor restarts it); nothing is swallowed.
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for t in pending:
            t.cancel()
        # Let the others unsubscribe before the drain: an open pull subscription makes it hang for 30 s.
        await asyncio.gather(*pending, return_exceptions=True)
        for t in done:
            t.result()
    finally:
        await nc.drain()
        await pool.close()
