"""The projector on real PostgreSQL and NATS: exactly-once, gap filling, and recovery from SIGKILL."""

import asyncio
import random

import asyncpg
import pytest

from domain.application import Portal
from projections.license import LICENSE_TAB
from projections.positions import position
from projections.rebuild import verify
from tests.support import Roles, eventually, run_commands
from workers.config import Settings
from workers.projector import Projector



async def projected_up_to(pool: asyncpg.Pool, head: int) -> None:
    async def caught_up() -> bool:
        return await position(pool, LICENSE_TAB.name) >= head

    await eventually(caught_up, timeout=90, what=f"license_tab to reach position {head}")


async def pending_batch(projector: Projector, roles: Roles, portal: Portal, accounts: int, changes: int):
    """Relay some fresh commands and fetch them as one batch, without applying it."""
    roles.start("relay")
    await asyncio.to_thread(run_commands, portal, accounts, changes)
    sub = await projector.subscribe()
    msgs = []
    while not msgs or msgs[-1].headers["Portal-Position"] != str(portal.current_position()):
        msgs += await sub.fetch(1_000, timeout=10)
    return msgs


async def test_a_batch_delivered_twice_is_applied_once(settings: Settings, portal: Portal, pool: asyncpg.Pool,
                                                       roles: Roles, js, keys) -> None:
    projector = Projector(LICENSE_TAB, js, pool, keys)
    msgs = await pending_batch(projector, roles, portal, 3, 6)
    await projector.apply_batch(msgs)
    applied = projector.applied
    await projector.apply_batch(msgs)  # a redelivery of the same messages
    assert projector.applied == applied
    assert await verify(pool, portal, LICENSE_TAB) == []


async def test_messages_overtaken_by_later_ones_are_read_from_the_stream(
        settings: Settings, portal: Portal, pool: asyncpg.Pool, roles: Roles, js, keys) -> None:
    projector = Projector(LICENSE_TAB, js, pool, keys)
    msgs = await pending_batch(projector, roles, portal, 4, 8)
    await projector.apply_batch(msgs[len(msgs) // 2:])  # the first half is "still in flight elsewhere"
    assert await position(pool, LICENSE_TAB.name) == portal.current_position()
    assert await verify(pool, portal, LICENSE_TAB) == []


@pytest.mark.fault
async def test_a_projector_killed_mid_batch_resumes_to_the_rebuilt_state(
        settings: Settings, portal: Portal, pool: asyncpg.Pool, roles: Roles) -> None:
    roles.start("relay")
    await asyncio.to_thread(run_commands, portal, 100, 3_000)  # a backlog: kills land inside batches
    head = portal.current_position()
    projector = roles.start("projector")
    for _ in range(4):
        start = await position(pool, LICENSE_TAB.name)
        target = start + random.randint(1, 400)

        async def moved(target: int = target) -> bool:
            return await position(pool, LICENSE_TAB.name) >= min(target, head)

        await eventually(moved, timeout=60, what="the projector to make progress")
        roles.kill(projector)
        projector = roles.start("projector")
    await projected_up_to(pool, head)
    assert await verify(pool, portal, LICENSE_TAB) == []


async def test_events_its_consumer_counts_as_delivered_are_read_from_the_stream(
        settings: Settings, portal: Portal, pool: asyncpg.Pool, roles: Roles, js, keys) -> None:
    # What NATS stopped abruptly can leave: a durable consumer whose saved state is past what the read model
    # applied, so it delivers none of those events again.
    projector = Projector(LICENSE_TAB, js, pool, keys)
    for m in await pending_batch(projector, roles, portal, 3, 6):
        await m.ack()
    stop = asyncio.Event()
    running = asyncio.create_task(projector.run(stop))
    try:
        await projected_up_to(pool, portal.current_position())
    finally:
        stop.set()
        await running
    assert await verify(pool, portal, LICENSE_TAB) == []
