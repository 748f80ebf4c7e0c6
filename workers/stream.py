"""The JetStream stream and its consumers, created idempotently by whichever role starts first; what every
worker shares."""

import asyncio
from typing import NamedTuple

import nats
from nats.js import JetStreamContext
from nats.js.api import ObjectStoreConfig, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError
from nats.js.object_store import ObjectStore

from domain.application import Portal
from domain.contract.base import PACKAGES, STREAM, SUBJECT_PREFIX
from projections.migrate import migrate
from workers.config import Settings, event_store_env

STREAM_CONFIG = StreamConfig(
    name=STREAM,
    subjects=[f"{SUBJECT_PREFIX}.>"],
    storage=StorageType.FILE,
    retention=RetentionPolicy.LIMITS,
    duplicate_window=120.0,  # seconds in which a re-published Nats-Msg-Id is dropped
)


async def pause(stop: asyncio.Event, seconds: float) -> None:
    """Wait `seconds`, or less when the worker is asked to stop."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass


async def connect(url: str, name: str) -> nats.NATS:
    # Reconnect for a while (a NATS restart), then give up loudly rather than hang.
    return await nats.connect(url, name=name, max_reconnect_attempts=60, reconnect_time_wait=0.5,
                              connect_timeout=5)


class Tail(NamedTuple):
    seq: int  # the stream's last sequence
    position: int  # the notification id of the event it carries


async def stream_tail(js: JetStreamContext) -> Tail | None:
    """The stream's last message, or None when the stream is empty."""
    info = await js.stream_info(STREAM)
    if info.state.messages == 0:
        return None
    try:
        last = await js.get_msg(STREAM, seq=info.state.last_seq)
    except NotFoundError:
        return None
    return Tail(info.state.last_seq, int((last.headers or {})["Portal-Position"]))


async def ensure_stream(js: JetStreamContext) -> None:
    try:
        await js.stream_info(STREAM)
    except NotFoundError:
        await js.add_stream(STREAM_CONFIG)
    else:
        await js.update_stream(STREAM_CONFIG)


async def package_store(js: JetStreamContext) -> ObjectStore:
    """The bucket of built packages; creating it again with the same configuration changes nothing."""
    return await js.create_object_store(PACKAGES, config=ObjectStoreConfig(storage=StorageType.FILE))


async def prepare(settings: Settings) -> list[str]:
    """Everything the roles expect to exist: the event store's tables, the read-model schema, the stream.
    Idempotent; answers the migrations applied now."""
    Portal(env=event_store_env(settings.database_url, create_tables=True)).close()
    applied = await migrate(settings.database_url)
    nc = await connect(settings.nats_url, "portal-migrate")
    try:
        await ensure_stream(nc.jetstream())
        await package_store(nc.jetstream())
    finally:
        await nc.close()
    return applied
