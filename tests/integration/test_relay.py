"""The relay on real PostgreSQL and NATS: order, headers, de-duplication, a single leader, crash recovery."""

import asyncio
import random

import pytest

from domain.application import Portal
from tests.support import Roles, eventually, run_commands, stream_positions
from workers.config import Settings



async def relayed_up_to(js, portal: Portal) -> None:
    head = portal.current_position()

    async def caught_up() -> bool:
        positions = await stream_positions(js)
        return bool(positions) and positions[-1] >= head

    await eventually(caught_up, timeout=60, what=f"the stream to reach position {head}")


def assert_each_event_once_in_order(positions: list[int], portal: Portal) -> None:
    stored = [n.id for n in portal.recorder.select_notifications(1, 10**9)]
    assert positions == stored  # every stored event, once, in notification order


async def test_every_event_reaches_nats_once_and_in_order(settings: Settings, portal: Portal, roles: Roles,
                                                          js) -> None:
    roles.start("relay")
    await asyncio.to_thread(run_commands, portal, 20, 40)
    await relayed_up_to(js, portal)
    assert_each_event_once_in_order(await stream_positions(js), portal)


async def test_a_standby_relay_publishes_nothing_until_the_leader_dies(
        settings: Settings, portal: Portal, roles: Roles, js) -> None:
    leader = roles.start("relay")
    await asyncio.to_thread(run_commands, portal, 5, 5)
    await relayed_up_to(js, portal)
    roles.start("relay")  # the standby: waits on the advisory lock
    roles.kill(leader)
    await asyncio.to_thread(run_commands, portal, 5, 5)
    await relayed_up_to(js, portal)
    assert_each_event_once_in_order(await stream_positions(js), portal)


@pytest.mark.fault
async def test_a_relay_killed_mid_stream_resumes_without_loss_or_duplicates(
        settings: Settings, portal: Portal, roles: Roles, js) -> None:
    relay = roles.start("relay")
    commands = asyncio.create_task(asyncio.to_thread(run_commands, portal, 60, 600))
    for _ in range(4):  # SIGKILL at random moments while commands keep arriving
        start = len(await stream_positions(js))

        async def progressed(start: int = start, more: int = random.randint(5, 50)) -> bool:
            # Once the commands are done there may be nothing left to publish: kill it anyway.
            return commands.done() or len(await stream_positions(js)) > start + more

        await eventually(progressed, timeout=60, what="the relay to publish")
        roles.kill(relay)
        relay = roles.start("relay")
    await commands
    await relayed_up_to(js, portal)
    assert_each_event_once_in_order(await stream_positions(js), portal)


async def test_a_relay_that_expects_another_tail_is_refused_and_re_syncs(
        settings: Settings, portal: Portal, roles: Roles, js) -> None:
    import asyncpg

    from workers.relay import Relay

    roles.start("relay")
    await asyncio.to_thread(run_commands, portal, 3, 3)
    await relayed_up_to(js, portal)
    roles.stop_all()  # from here on, only our relay publishes
    await asyncio.to_thread(run_commands, portal, 2, 2)
    db = await asyncpg.connect(settings.database_url)
    try:
        relay = Relay(portal, js, db)
        await relay.start()
        relay.last += 1  # as if a message had landed that the stream does not have (a gap)

        assert await relay.relay_once() == 0  # refused by the server (10070), then re-synced from the stream
        while await relay.relay_once():
            pass
    finally:
        await db.close()
    assert_each_event_once_in_order(await stream_positions(js), portal)
