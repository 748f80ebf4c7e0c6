"""The baselines: the same work done by the bare tools Portal is built on, from this process."""

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from uuid import uuid4

import asyncpg
import nats
from eventsourcing.persistence import StoredEvent
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig

from domain.application import Portal
from domain.contract import SUBJECT_PREFIX
from projections.positions import CHANNEL
from workers.config import event_store_env

Sample = tuple[str, int, float, float, int | None]  # as bench.load records them


def scratch_url(database_url: str, name: str) -> str:
    return database_url.rsplit("/", 1)[0] + f"/{name}"


async def fresh_database(database_url: str, name: str) -> str:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {name}")
        await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()
    return scratch_url(database_url, name)


def recorder_saves(database_url: str, saves: list[list[StoredEvent]], concurrency: int,
                   duration: float) -> list[Sample]:
    """The `eventsourcing` PostgreSQL recorder saving the same events, one command's events per transaction,
    from `concurrency` threads, into an event store of its own."""
    url = asyncio.run(fresh_database(database_url, "bench_recorder"))
    app = Portal(env=event_store_env(url, create_tables=True))
    pending: Iterator[list[StoredEvent]] = iter(saves)
    lock = threading.Lock()
    samples: list[Sample] = []
    stop_at = time.monotonic() + duration

    def saving() -> None:
        while time.monotonic() < stop_at:
            with lock:
                events = next(pending, None)
            if events is None:
                return
            began = time.monotonic()
            ids = app.recorder.insert_events(events)
            samples.append(("save", 200, time.monotonic(), time.monotonic() - began, ids[-1] if ids else None))

    threads = [threading.Thread(target=saving) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    app.close()
    return samples


async def single_row_inserts(database_url: str, rows: list[StoredEvent], concurrency: int,
                             duration: float) -> list[Sample]:
    """Raw asyncpg: one row per INSERT, each in its own transaction, from `concurrency` connections."""
    url = await fresh_database(database_url, "bench_inserts")
    setup = await asyncpg.connect(url)
    await setup.execute("""CREATE TABLE events (id bigserial PRIMARY KEY, originator_id uuid NOT NULL,
                           originator_version int NOT NULL, topic text NOT NULL, state bytea NOT NULL)""")
    await setup.close()
    samples: list[Sample] = []
    stop_at = time.monotonic() + duration

    async def inserting(offset: int) -> None:
        conn = await asyncpg.connect(url)
        i = offset
        while time.monotonic() < stop_at:
            row = rows[i % len(rows)]
            began = time.monotonic()
            await conn.execute("INSERT INTO events (originator_id, originator_version, topic, state) "
                               "VALUES ($1, $2, $3, $4)", uuid4(), row.originator_version, row.topic, row.state)
            samples.append(("insert", 200, time.monotonic(), time.monotonic() - began, None))
            i += concurrency
        await conn.close()

    await asyncio.gather(*(inserting(i) for i in range(concurrency)))
    return samples


async def jetstream_latency(nats_url: str, rate: float, duration: float, size: int) -> list[float]:
    """Publish-to-consume latency of JetStream alone: a publisher at `rate` messages/s of `size` bytes, a
    durable pull consumer fetching in batches as the projector does."""
    publisher, consumer = await nats.connect(nats_url), await nats.connect(nats_url)
    js, jc = publisher.jetstream(), consumer.jetstream()
    await js.add_stream(StreamConfig(name="BENCH_LATENCY", subjects=["bench.latency"], storage=StorageType.FILE))
    sub = await jc.pull_subscribe("bench.latency", durable="bench", stream="BENCH_LATENCY",
                                  config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT))
    latencies: list[float] = []
    body = b"x" * size
    done = asyncio.Event()

    async def publishing() -> None:
        interval, next_at, stop_at = 1 / rate, time.monotonic(), time.monotonic() + duration
        while next_at < stop_at:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            await js.publish("bench.latency", body, headers={"sent": repr(time.monotonic())})
            next_at += interval
        done.set()

    async def consuming() -> None:
        while not done.is_set():
            try:
                msgs = await sub.fetch(256, timeout=0.5)
            except (TimeoutError, nats.errors.TimeoutError):
                continue
            received = time.monotonic()
            latencies.extend(received - float(m.headers["sent"]) for m in msgs)  # type: ignore[index]
            for m in msgs:
                await m.ack()

    await asyncio.gather(publishing(), consuming())
    await js.delete_stream("BENCH_LATENCY")
    await publisher.close()
    await consumer.close()
    return latencies


async def watch_stream(nats_url: str, stopped: Callable[[], bool]) -> list[tuple[float, int]]:
    """When each event reached NATS (a plain subscriber to the relay's subjects), by its position: splits
    freshness into the relay's part and the projector's."""
    nc = await nats.connect(nats_url)
    seen: list[tuple[float, int]] = []

    async def arrived(msg: Msg) -> None:
        seen.append((time.monotonic(), int(msg.headers["Portal-Position"])))  # type: ignore[index]

    try:
        await nc.subscribe(f"{SUBJECT_PREFIX}.>", cb=arrived)
        while not stopped():
            await asyncio.sleep(0.05)
    finally:
        await nc.close()
    return seen


def store_read(portal: Portal, stop: int, page: int = 1_000) -> tuple[int, float]:
    """Read the first `stop` events from the store page by page, as a rebuild does; answers (events, s)."""
    began, position, count = time.monotonic(), 0, 0
    while position < stop:
        notifications = portal.recorder.select_notifications(position + 1, page, stop)
        if not notifications:
            break
        count += len(notifications)
        position = notifications[-1].id
    return count, time.monotonic() - began


async def copy_export(pool: asyncpg.Pool, query: str, *args: Any, time_zone: str = "UTC") -> tuple[int, float]:
    """PostgreSQL's own CSV export (COPY … TO STDOUT) of the same query, its times in `time_zone`; answers
    (rows, seconds)."""
    lines = 0

    async def counting(chunk: bytes) -> None:
        nonlocal lines
        lines += chunk.count(b"\n")

    began = time.monotonic()
    async with pool.acquire() as conn:
        await conn.execute("SELECT set_config('TimeZone', $1, false)", time_zone)
        await conn.copy_from_query(query, *args, output=counting, format="csv")
    return lines, time.monotonic() - began


async def watch_positions(database_url: str, stopped: Callable[[], bool]) -> list[tuple[float, str, int]]:
    """Every position a projector announced (its NOTIFY at commit), with when it arrived. Listening costs the
    machine nothing while it waits, where polling would take CPU from the very processes being measured."""
    conn = await asyncpg.connect(database_url)
    seen: list[tuple[float, str, int]] = []

    def announced(_conn: object, _pid: int, _channel: str, payload: str) -> None:
        projection, _, reached = payload.partition(" ")
        seen.append((time.monotonic(), projection, int(reached)))

    try:
        await conn.add_listener(CHANNEL, announced)
        while not stopped():
            await asyncio.sleep(0.05)
    finally:
        await conn.close()
    return seen

