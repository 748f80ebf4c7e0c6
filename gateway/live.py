"""Following the event stream live, from just after a position: the gateway's Server-Sent Events (and
`portal tail`, which borrows it). Each follower is an ordered, ephemeral consumer: nothing to clean up on the server."""

from collections.abc import AsyncIterator

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy, RawStreamMsg

from domain.contract import STREAM

IDLE = 15.0  # seconds without an event before the follower yields None (a keep-alive)


def position(msg: Msg | RawStreamMsg) -> int:
    return int((msg.headers or {})["Portal-Position"])


async def start_sequence(js: JetStreamContext, after: int) -> int:
    """The first stream sequence past position `after`: positions rise with sequences, so bisect."""
    info = await js.stream_info(STREAM)
    low, high = max(info.state.first_seq, 1), info.state.last_seq + 1
    while low < high:
        middle = (low + high) // 2
        if position(await js.get_msg(STREAM, seq=middle)) <= after:
            low = middle + 1
        else:
            high = middle
    return low


async def follow(js: JetStreamContext, filter_subject: str, after: int | None) -> AsyncIterator[Msg | None]:
    """Messages on `filter_subject` past position `after` (None: only new ones), in order; None when idle."""
    if after is None:
        config = ConsumerConfig(deliver_policy=DeliverPolicy.NEW)
    else:
        config = ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
                                opt_start_seq=await start_sequence(js, after))
    sub = await js.subscribe(filter_subject, stream=STREAM, ordered_consumer=True, config=config)
    try:
        while True:
            try:
                msg = await sub.next_msg(timeout=IDLE)
            except NatsTimeout:
                yield None
                continue
            if after is None or position(msg) > after:
                yield msg
    finally:
        await sub.unsubscribe()
