"""The JetStream stream and its consumers, created idempotently by whichever role starts first."""

import nats
from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from domain.contract import STREAM, SUBJECT_PREFIX

STREAM_CONFIG = StreamConfig(
    name=STREAM,
    subjects=[f"{SUBJECT_PREFIX}.>"],
    storage=StorageType.FILE,
    retention=RetentionPolicy.LIMITS,
    duplicate_window=120.0,  # seconds in which a re-published Nats-Msg-Id is dropped
)


async def connect(url: str, name: str) -> nats.NATS:
    # Reconnect for a while (a NATS restart), then give up loudly rather than hang.
    return await nats.connect(url, name=name, max_reconnect_attempts=60, reconnect_time_wait=0.5,
                              connect_timeout=5)


async def ensure_stream(js: JetStreamContext) -> None:
    try:
        await js.stream_info(STREAM)
    except NotFoundError:
        await js.add_stream(STREAM_CONFIG)
    else:
        await js.update_stream(STREAM_CONFIG)
