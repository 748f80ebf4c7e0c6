"""Operational checks: is a worker keeping up, and do the read models equal their rebuild?"""

import asyncio

import asyncpg

from domain.application import Portal
from projections.positions import READ_MODELS, stalls
from projections.rebuild import rebuild, verify
from projections.readmodel import ReadModel, Unappliable
from workers.config import Settings, event_store_env
from workers.progress import Progress


async def lagging(settings: Settings, role: str) -> list[str]:
    """What is too far behind the event store for `role` (empty when healthy)."""
    portal = Portal(env=event_store_env(settings.database_url))
    conn = await asyncpg.connect(settings.database_url)
    try:
        head = await asyncio.to_thread(portal.current_position)
        stalled: list[str] = []
        if role == "relay":
            behind = {"relay": head - (await conn.fetchval("SELECT position FROM relay_position") or 0)}
        else:
            rows = await conn.fetch("SELECT projection, position FROM projection_positions")
            positions = {r["projection"]: r["position"] for r in rows}
            behind = {m.name: head - positions.get(m.name, 0) for m in READ_MODELS}
            stalled = [stall.describe() for stall in (await stalls(conn)).values()]
        return stalled + [f"{name} is {lag} events behind" for name, lag in behind.items()
                          if lag > settings.ready_max_lag]
    finally:
        await conn.close()
        portal.close()


def chosen(names: list[str]) -> list[ReadModel]:
    unknown = set(names) - {m.name for m in READ_MODELS}
    if unknown:
        raise SystemExit(f"unknown read model(s): {', '.join(sorted(unknown))}; "
                         f"the read models are {', '.join(m.name for m in READ_MODELS)}")
    return [m for m in READ_MODELS if not names or m.name in names]


async def rebuild_read_models(settings: Settings, names: list[str]) -> None:
    models = chosen(names)
    portal = Portal(env=event_store_env(settings.database_url))
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    try:
        failed = []
        for model in models:
            progress = Progress(model.name, await asyncio.to_thread(portal.current_position))
            try:
                position = await rebuild(pool, portal, model, progress)
            except Unappliable as poison:
                failed.append(f"{model.name} not rebuilt (the live tables are unchanged): {poison}")
                continue
            finally:
                progress.finish()
            print(f"{model.name} rebuilt and swapped in at position {position}")
    finally:
        await pool.close()
        portal.close()
    if failed:
        raise SystemExit("\n".join(failed))


async def verify_read_models(settings: Settings, names: list[str]) -> list[str]:
    models = chosen(names)
    portal = Portal(env=event_store_env(settings.database_url))
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    try:
        found: list[str] = []
        for model in models:
            try:
                found += await verify(pool, portal, model)
            except Unappliable as poison:
                found.append(f"{model.name} cannot be rebuilt: {poison}")
        return found
    finally:
        await pool.close()
        portal.close()
