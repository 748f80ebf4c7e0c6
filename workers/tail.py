"""`portal tail`: follow the live event stream on NATS and print each event, one line each, for people."""

import asyncio
import contextlib
import json
from uuid import UUID

from domain.contract import SUBJECT_PREFIX, upcast
from workers.config import Settings
from gateway.live import follow
from workers.stream import connect


def line(position: str, subject: str, body: dict) -> str:  # type: ignore[type-arg]
    actor = body.get("actor") or {}
    own = {k: v for k, v in body.items() if k not in {"account_id", "aggregate_id", "aggregate_version",
                                                      "occurred_at", "actor"}}
    return (f"{position:>8}  {body.get('occurred_at', '')}  {subject.removeprefix(SUBJECT_PREFIX + '.')}  "
            f"by {actor.get('name', '?')}  {json.dumps(own, ensure_ascii=False)}")


async def run(settings: Settings, stop: asyncio.Event, account: UUID | None, event_type: str | None,
              after: int | None) -> None:
    nc = await connect(settings.nats_url, "portal-tail")

    async def printing() -> None:
        async for msg in follow(nc.jetstream(), f"{SUBJECT_PREFIX}.{account or '*'}.*.{event_type or '*'}", after):
            if msg is not None:
                body = json.loads(upcast(msg.headers["Portal-Event-Type"], msg.data))
                print(line(msg.headers["Portal-Position"], msg.subject, body), flush=True)

    task = asyncio.create_task(printing())
    stopped = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait([task, stopped], return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()  # a failure ends the command loudly
    finally:
        for t in (task, stopped):
            t.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task  # unsubscribes the follower
        await nc.drain()
