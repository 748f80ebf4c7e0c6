"""The projector runner: one durable pull consumer per read model, exactly-once into PostgreSQL.

A batch is whatever the consumer holds when a message arrives (up to BATCH; never waiting for more), folded
in memory and written with a few multi-row statements (projections.fold). Each batch and the read model's
tracking position commit in one transaction; an event at or below the position is skipped; messages are acknowledged only after the commit. The relay publishes every
notification in order, so JetStream sequences have no holes: when a batch starts past the next expected
sequence (a redelivery overtaken by newer messages, or a replica holding the earlier ones), the missing
messages are read straight from the stream, so nothing is ever skipped and replicas never double-apply.
And when the consumer has nothing to deliver while the stream holds events the read model lacks, they are
read from the stream too (catch_up): no read model relies on delivery alone.

An event a read model cannot apply stalls that read model only: what precedes the event is committed, the
stall is recorded (`projection_stalls`) and logged, the rest of the batch is NAK'd with a delay, and the
same event is tried again after a back-off doubling up to a minute. It is never skipped (the read model would
then differ from its rebuild); once a fixed handler (a deploy) applies it, the stall clears and the read model
carries on. The other read models' tasks are not affected; only the database or NATS failing ends the process.
"""

import asyncio
import logging
import time
from dataclasses import dataclass

import asyncpg
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from domain.contract import STREAM, SUBJECT_PREFIX
from projections.positions import READ_MODELS, advance, record_stall
from projections.fold import Fold, Unflushable
from projections.readmodel import DataKeys, ReadModel, Unappliable
from workers.config import Settings
from workers.shredding import StreamKeys
from workers.stream import connect, ensure_stream, pause, stream_tail

BATCH = 256
WAIT = 0.5  # seconds a fetch waits for a message before the loop checks for a stop
TAKE = 0.02  # seconds to take the messages already there (they come at once, unless a replica took them)
ACK_WAIT = 10.0  # seconds before an unacknowledged message is redelivered
CATCH_UP = 5.0  # seconds between an idle read model's checks of the stream for events it lacks
FIRST_RETRY, LAST_RETRY = 1.0, 60.0  # seconds before a stalled read model tries its event again

log = logging.getLogger("portal.projector")


@dataclass
class Envelope:
    seq: int
    position: int
    event_type: str
    account_id: str  # from the subject portal.evt.<account_id>.<aggregate>.<EventName>
    body: bytes


def envelope(seq: int, subject: str, headers: dict[str, str] | None, body: bytes) -> Envelope:
    headers = headers or {}
    return Envelope(seq=seq, position=int(headers["Portal-Position"]), event_type=headers["Portal-Event-Type"],
                    account_id=subject.split(".")[2], body=body)


async def available(sub: JetStreamContext.PullSubscription) -> list[Msg]:
    """The next message, and up to a batch of those the consumer already holds behind it, never waiting for
    more: a fetch of a whole batch would hold the first message until the batch fills or the wait ends."""
    msgs = await sub.fetch(1, timeout=WAIT)
    behind = min(msgs[0].metadata.num_pending or 0, BATCH - 1)
    if behind:
        try:
            msgs += await sub.fetch(behind, timeout=TAKE)
        except TimeoutError:
            pass
    return msgs


class Projector:
    def __init__(self, model: ReadModel, js: JetStreamContext, pool: asyncpg.Pool, keys: DataKeys) -> None:
        self.model = model
        self.keys = keys  # opens the events' sealed personal fields
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

    async def apply_batch(self, msgs: list[Msg]) -> Unappliable | None:
        """Apply a batch and record the position, in one transaction (acknowledging is the caller's part).

        The batch is folded and written at its end. Should that fail, it is applied again writing after every
        event, which names the event that cannot be applied: what precedes it commits with the stall instead;
        answers the stall.
        """
        return await self.apply(sorted(
            (envelope(m.metadata.sequence.stream, m.subject, m.headers, m.data) for m in msgs), key=lambda e: e.seq))

    async def apply(self, batch: list[Envelope]) -> Unappliable | None:
        """apply_batch's part once the messages are envelopes in stream order."""
        try:
            await self._commit(batch, None, exact=False)
            return None
        except (Unappliable, Unflushable):
            pass  # rolled back; a handler's own SQL flushes the fold, so the failing event is not known yet
        try:
            await self._commit(batch, None, exact=True)
            return None
        except Unappliable as poison:
            await self._commit(batch, poison, exact=True)
            return poison

    async def _commit(self, batch: list[Envelope], poison: Unappliable | None, exact: bool) -> None:
        """Apply the batch (only what precedes `poison`, and record it, when given) in one transaction."""
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "SELECT position, stream_seq FROM projection_positions WHERE projection = $1 FOR UPDATE",
                self.model.name)
            position, seq, applied = row["position"], row["stream_seq"], 0
            fold = Fold(conn, exact)
            for e in await self._in_order(batch, position, seq):
                if poison is not None and e.position >= poison.position:
                    break
                try:
                    await self.model.apply(fold, e.event_type, e.body, e.position, self.keys)
                except Unappliable as failed:
                    failed.account_id = e.account_id
                    raise
                position, seq, applied = e.position, e.seq, applied + 1
            await fold.finish()
            stalled_at = await advance(conn, self.model.name, position, seq)
            if poison is not None:
                await record_stall(conn, poison)
            elif stalled_at is not None:
                log.warning("read model resumed", extra={"projection": self.model.name, "position": stalled_at})
        self.applied += applied

    async def _in_order(self, batch: list[Envelope], position: int, seq: int) -> list[Envelope]:
        """The batch's events after `position` in stream order, with any missing before them read from the
        stream (a hole: a redelivery overtaken by newer messages, or a replica holding the earlier ones)."""
        events = []
        for e in batch:
            if e.position <= position:
                continue  # delivered twice: already applied
            for missing in range(seq + 1, e.seq):
                m = await self._stream_message(missing)
                if m.position > position:
                    events.append(m)
                    position = m.position
            events.append(e)
            position, seq = e.position, e.seq
        return events

    async def catch_up(self) -> Unappliable | None:
        """Apply, read from the stream, the events up to its current tail that the read model lacks; answers a
        stall as apply does.

        The consumer can count as delivered what the read model never applied: NATS stopped abruptly saves each
        durable consumer's state apart from the stream, so a consumer can come back past the stream's tail, and
        the relay publishes the lost tail again under the very sequences that consumer believes it delivered.
        """
        tail = await stream_tail(self.js)
        row = await self.pool.fetchrow("SELECT position, stream_seq FROM projection_positions WHERE projection = $1",
                                       self.model.name)
        if tail is None or tail.position <= row["position"]:
            return None
        log.warning("read model lacks events its consumer counts as delivered: reading them from the stream",
                    extra={"projection": self.model.name, "position": row["position"], "stream_tail": tail.position})
        seq = row["stream_seq"]
        while seq < tail.seq:
            batch = [await self._stream_message(s) for s in range(seq + 1, min(seq + BATCH, tail.seq) + 1)]
            poison = await self.apply(batch)
            if poison is not None:
                return poison
            seq = batch[-1].seq
        return None

    async def _stream_message(self, seq: int) -> Envelope:
        try:
            raw = await self.js.get_msg(STREAM, seq=seq)
        except NotFoundError:
            raise RuntimeError(f"stream message {seq} is gone (retention?): rebuild {self.model.name} "
                               "from the event store with `portal rebuild`") from None
        return envelope(seq, raw.subject or "", raw.headers, raw.data or b"")

    async def run(self, stop: asyncio.Event) -> None:
        sub = await self.subscribe()
        log.info("projecting", extra={"projection": self.model.name})
        retry = FIRST_RETRY
        held = False  # a stalled event the consumer brings back itself (NAK'd): no catch-up meanwhile
        catch_up_at = time.monotonic() + CATCH_UP
        try:
            while not stop.is_set():
                try:
                    msgs = await available(sub)
                except TimeoutError:
                    msgs = []
                if msgs:
                    poison = await self.apply_batch(msgs)
                    held = poison is not None
                    if poison is None:
                        for m in msgs:  # only after the commit: a crash before this means a redelivery, then a skip
                            await m.ack()
                    else:
                        await self._hold(poison, msgs, retry)
                elif not held and time.monotonic() >= catch_up_at:
                    poison = await self.catch_up()
                    catch_up_at = time.monotonic() + CATCH_UP
                    if poison is not None:
                        self._log_stall(poison, retry)
                else:
                    continue
                if poison is None:
                    retry = FIRST_RETRY
                else:
                    await pause(stop, retry)  # bounded retries: no hot loop on an event that keeps failing
                    retry = min(retry * 2, LAST_RETRY)
        finally:
            await sub.unsubscribe()  # a pull subscription left open makes the connection's drain hang

    async def _hold(self, poison: Unappliable, msgs: list[Msg], retry: float) -> None:
        """Log the stall and hand back what is not applied, to come again after `retry`."""
        self._log_stall(poison, retry)
        for m in msgs:
            if int(m.headers["Portal-Position"]) < poison.position:
                await m.ack()  # committed before the stall
            else:
                await m.nak(delay=retry)

    def _log_stall(self, poison: Unappliable, retry: float) -> None:
        """No event content: only where and why."""
        log.error("read model stalled: an event cannot be applied; retrying it", extra={
            "projection": poison.projection, "position": poison.position, "event_type": poison.event_type,
            "account_id": poison.account_id, "error": poison.error, "reason": poison.reason,
            "retry_in_seconds": retry})


async def run(settings: Settings, stop: asyncio.Event, names: list[str] | None = None) -> None:
    models = [m for m in READ_MODELS if not names or m.name in names]
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=len(models) + 1)
    nc = await connect(settings.nats_url, "portal-projector")
    js = nc.jetstream()
    try:
        await ensure_stream(js)
        keys = StreamKeys.from_env()
        tasks = [asyncio.create_task(Projector(m, js, pool, keys).run(stop)) for m in models]
        # Only the database or NATS failing reaches here: it ends the process (the supervisor restarts it).
        # An event a read model cannot apply stalls that read model alone, inside its own task.
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
