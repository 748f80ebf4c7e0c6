"""Rebuilding read models from the event store (never from NATS, whose retention is limited).

The rebuilt tables live in a scratch schema and are filled by the very handlers the projector runs, with
`search_path` pointing at the scratch schema, so a rebuild exercises exactly the live code path.
"""

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import asyncpg
import msgspec

from domain.contract import to_public
from projections.positions import CREDENTIALS_CHANNEL, clear_stall
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


async def replay(pool: asyncpg.Pool, portal: EventStore, models: Sequence[ReadModel], schema: str,
                 start: int, stop: int, progress: Callable[[int], None] | None = None) -> int:
    """Apply the events after `start` up to `stop` into the scratch tables; answers the last position applied."""
    position = start
    published, keys = publishing(portal)
    while position < stop:
        notifications = await asyncio.to_thread(portal.recorder.select_notifications, position + 1, PAGE, stop)
        if not notifications:
            break
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(f"SET LOCAL search_path TO {schema}")
            for n in notifications:
                event = to_public(published(n))  # the very bytes the relay publishes
                body = msgspec.json.encode(event)
                for model in models:
                    await model.apply(conn, type(event).__name__, body, n.id, keys)
        position = notifications[-1].id
        if progress:
            progress(len(notifications))
    return stop


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
