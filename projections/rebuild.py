"""Rebuilding read models from the event store (never from NATS, whose retention is limited).

The rebuilt tables live in a scratch schema and are filled by the very handlers the projector runs, with
`search_path` pointing at the scratch schema, so a rebuild exercises exactly the live code path.
"""

import asyncio
import functools
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import asyncpg
import msgspec
from eventsourcing.utils import resolve_topic

from domain.contract import CONTRACT, to_public
from projections.positions import CREDENTIALS_CHANNEL, clear_stall
from projections.fold import Fold, Unflushable
from projections.readmodel import DataKeys, ReadModel, Unappliable

PAGE = 1_000


class EventStore(Protocol):
    """What a rebuild reads from the domain's application (projections never import the application itself)."""

    recorder: Any  # its notification log: select_notifications(start, limit, stop)
    mapper: Any  # turns a stored notification back into its domain event, sealed as published

    def current_position(self) -> int: ...


async def create_scratch(conn: asyncpg.Connection, schema: str, models: Sequence[ReadModel]) -> None:
    await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    await conn.execute(f"CREATE SCHEMA {schema}")
    for model in models:
        for table in model.tables:
            await conn.execute(f"CREATE TABLE {schema}.{table} (LIKE public.{table} INCLUDING ALL)")


class AsStored:
    """The bodies of an application without per-account keys (in memory, in tests): nothing is sealed."""

    async def open(self, conn: asyncpg.Connection, body: bytes) -> bytes:
        return body


def publishing(portal: EventStore) -> tuple[Callable[[Any], Any], DataKeys]:
    """How the relay reads the store's events for publishing, and how a projector opens them again."""
    mapper = portal.mapper
    if hasattr(mapper, "to_published_event"):
        return mapper.to_published_event, mapper.stream_keys
    return mapper.to_domain_event, AsStored()


@functools.cache
def public_name(topic: str) -> str | None:
    """The contract's name of a stored event's type (None: it has none, which `to_public` then reports)."""
    struct = CONTRACT.get(resolve_topic(topic))
    return struct.__name__ if struct else None


async def replay(pool: asyncpg.Pool, portal: EventStore, models: Sequence[ReadModel], schema: str,
                 start: int, stop: int, progress: Callable[[int], None] | None = None) -> int:
    """Apply the events after `start` up to `stop` into the scratch tables; answers the last position applied.

    Each page is one folded transaction, and the next page is read from the store while this one is applied."""
    published, keys = publishing(portal)

    def read(after: int) -> Any:
        return portal.recorder.select_notifications(after + 1, PAGE, stop) if after < stop else []

    reading = asyncio.create_task(asyncio.to_thread(read, start))
    try:
        while notifications := await reading:
            reading = asyncio.create_task(asyncio.to_thread(read, notifications[-1].id))
            events = []
            for n in notifications:
                name = public_name(n.topic)
                if name is not None and not any(model.shows(name) for model in models):
                    continue  # it would only advance the position, which the rebuild sets at its end
                event = to_public(published(n))  # the very bytes the relay publishes
                events.append((type(event).__name__, msgspec.json.encode(event), n.id))
            try:
                await _apply_page(pool, models, schema, events, keys, exact=False)
            except (Unappliable, Unflushable):  # rolled back; a handler's own SQL flushes the fold, so the one
                await _apply_page(pool, models, schema, events, keys, exact=True)  # that fails is known only now
            if progress:
                progress(len(notifications))
    finally:
        await asyncio.gather(reading, return_exceptions=True)  # the page read ahead, when stopped by a failure
    return stop


async def _apply_page(pool: asyncpg.Pool, models: Sequence[ReadModel], schema: str,
                      events: list[tuple[str, bytes, int]], keys: DataKeys, exact: bool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f"SET LOCAL search_path TO {schema}")
        fold = Fold(conn, exact)
        for event_type, body, position in events:
            for model in models:
                await model.apply(fold, event_type, body, position, keys)
        await fold.finish()


async def differences(conn: asyncpg.Connection, model: ReadModel, schema: str) -> list[str]:
    """Rows that differ between the live tables and the scratch ones, each as one readable line."""
    found = []
    for table in model.tables:
        rows = await conn.fetch(
            f"""(SELECT 'live only' AS side, * FROM public.{table} EXCEPT SELECT 'live only', * FROM {schema}.{table})
                UNION ALL
                (SELECT 'rebuilt only', * FROM {schema}.{table} EXCEPT SELECT 'rebuilt only', * FROM public.{table})""")
        found += [f"{table}: {dict(r)}" for r in rows]
    return found


async def verify(pool: asyncpg.Pool, portal: EventStore, model: ReadModel) -> list[str]:
    """Rebuild `model` from the event store up to its live position and compare row by row.

    The live projector may advance meanwhile, so the comparison holds its tracking row (the projector
    waits on that lock) and first catches the rebuild up to the position it reads there.
    """
    schema = f"verify_{model.name}"
    async with pool.acquire() as conn:
        await create_scratch(conn, schema, [model])
    rebuilt = 0
    try:
        while True:
            async with pool.acquire() as conn, conn.transaction():
                live = await conn.fetchval("SELECT position FROM projection_positions WHERE projection = $1 "
                                           "FOR SHARE", model.name) or 0
                if live <= rebuilt:
                    return await differences(conn, model, schema)
            rebuilt = await replay(pool, portal, [model], schema, rebuilt, live)
    finally:
        async with pool.acquire() as conn:
            await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


async def swap_in(conn: asyncpg.Connection, schema: str, table: str) -> None:
    """The rebuilt table replaces the live one and takes over its triggers (through them gateways learn that a
    token, an account's access or its preferences changed: migration 220), announcing that every row may have."""
    triggers = await conn.fetch("SELECT pg_get_triggerdef(oid) AS definition FROM pg_trigger "
                                "WHERE tgrelid = $1::regclass AND NOT tgisinternal", f"public.{table}")
    await conn.execute(f"DROP TABLE public.{table}")
    await conn.execute(f"ALTER TABLE {schema}.{table} SET SCHEMA public")
    for trigger in triggers:
        await conn.execute(trigger["definition"])
    if triggers:
        await conn.execute("SELECT pg_notify($1, '*')", CREDENTIALS_CHANNEL)


async def rebuild(pool: asyncpg.Pool, portal: EventStore, model: ReadModel,
                  progress: Callable[[int], None] | None = None) -> int:
    """Build `model` afresh from the event store and swap it in atomically; answers its position. An event
    the model cannot apply raises `Unappliable` (naming its position and type) and nothing is swapped in.

    The bulk is replayed into a scratch schema while the live tables keep serving. The swap holds the
    projector's tracking row (the projector waits on it), catches the rebuild up to the live position, and
    replaces the tables in one transaction, so the projector resumes exactly where the live tables were.
    """
    schema = f"rebuild_{model.name}"
    async with pool.acquire() as conn:
        await create_scratch(conn, schema, [model])
        await conn.execute("INSERT INTO projection_positions (projection) VALUES ($1) ON CONFLICT DO NOTHING",
                           model.name)
    try:
        rebuilt = await replay(pool, portal, [model], schema, 0,
                               await asyncio.to_thread(portal.current_position), progress)
        async with pool.acquire() as conn, conn.transaction():
            live = await conn.fetchval("SELECT position FROM projection_positions WHERE projection = $1 "
                                       "FOR UPDATE", model.name)
            if live > rebuilt:
                rebuilt = await replay(pool, portal, [model], schema, rebuilt, live, progress)
            for table in model.tables:
                await swap_in(conn, schema, table)
            await conn.execute(f"DROP SCHEMA {schema}")
            await conn.execute("UPDATE projection_positions SET position = $2, updated_at = now() "
                               "WHERE projection = $1", model.name, rebuilt)
            await clear_stall(conn, model.name, rebuilt)
    except Unappliable:  # the live tables stay as they were; the half-built ones go
        async with pool.acquire() as conn:
            await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        raise
    return rebuilt
