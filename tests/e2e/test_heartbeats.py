"""Heartbeats coalesced (gateway/beats.py): a beat of a client already online is held in memory and written by
the next flush; a transition is an event at once; the offline timer never takes a beating client offline, not
even when the gateway it beats to dies with beats in memory and another gateway takes over."""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime
from uuid import UUID

import httpx
import pytest

from gateway.beats import FLUSH_SECONDS
from tests.e2e.api import Account
from tests.e2e.devices import Device, device_of, read
from tests.support import Roles, eventually, running_service
from workers.config import Settings
from workers.embedded import free_port

OFFLINE_AFTER = 2.0  # the timers' presence timeout in this module's service (30 s in production)
BEAT_EVERY = 0.3  # as a client beats, well inside the timeout


@pytest.fixture(scope="module")
async def gateway(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A service of its own, with the offline timer running on a short timeout."""
    async with running_service(settings, tmp_path_factory.mktemp("stack"), ("relay", "projector", "timers"),
                               {"PORTAL_PRESENCE_TIMEOUT_SECONDS": str(OFFLINE_AFTER)}) as base:
        yield base


async def last_seen(pool, account: Account, client_id: str) -> datetime:
    return await pool.fetchval("SELECT last_seen FROM presence WHERE account_id = $1 AND client_id = $2",
                               UUID(account.account_id), client_id)


async def online_client(http, account: Account, device: Device) -> tuple[str, str]:
    """A client online, as the Clients tab shows it; answers its id and its online_since."""
    client_id, _ = await device.register()
    position = await device.online(client_id)
    return client_id, (await read(http, account, f"/v1/clients/{client_id}", position))["online_since"]


async def beating(device: Device, client_id: str, seconds: float) -> None:
    """Beats every BEAT_EVERY for `seconds`, each one absorbed (had the client gone offline, a beat would
    record that it came online again and answer a position)."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        answer = await device.beat(client_id)
        assert answer.status_code == 200 and answer.json() == {"position": None}, answer.text
        await asyncio.sleep(BEAT_EVERY)


async def test_a_beat_held_in_memory_reaches_the_table_with_the_next_flush(http, account, pool):
    device = await device_of(http, account)
    client_id, _ = await online_client(http, account, device)
    before = await last_seen(pool, account, client_id)

    answer = await device.beat(client_id)

    assert answer.json() == {"position": None}

    async def written() -> bool:
        return await last_seen(pool, account, client_id) > before

    await eventually(written, timeout=20 * FLUSH_SECONDS, what="the beat in the presence table")


async def test_a_new_version_is_an_event_at_once_among_absorbed_beats(http, account):
    device = await device_of(http, account)
    client_id, _ = await online_client(http, account, device)
    await beating(device, client_id, 2 * BEAT_EVERY)

    position = await device.online(client_id, "1.1.0")

    shown = await read(http, account, f"/v1/clients/{client_id}", position)
    assert (shown["version"], shown["online"]) == ("1.1.0", True)
    assert (await device.beat(client_id, "1.1.0")).json() == {"position": None}


async def test_the_timer_never_takes_a_beating_client_offline_but_takes_a_silent_one(http, account):
    device = await device_of(http, account)
    beats, since = await online_client(http, account, device)
    silent, _ = await online_client(http, account, device)

    await beating(device, beats, 3 * OFFLINE_AFTER)

    clients = {c["client_id"]: c for c in (await http.get("/v1/clients", headers=account.auth)).json()["items"]}
    assert (clients[beats]["online"], clients[beats]["online_since"]) == (True, since)
    assert clients[silent]["online"] is False


async def test_a_gateway_that_dies_with_beats_in_memory_flips_no_client_offline(http, account, settings, tmp_path):
    roles = Roles(settings, tmp_path)
    roles.env["PORTAL_PRESENCE_TIMEOUT_SECONDS"] = str(OFFLINE_AFTER)
    port = free_port()
    doomed = roles.start("gateway", "--port", str(port))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as first:
            async def answers() -> bool:
                try:
                    return (await first.get("/health")).status_code == 200
                except httpx.TransportError:
                    return False

            await eventually(answers, what="the second gateway to answer /health")
            device = await device_of(http, account)
            client_id, since = await online_client(http, account, Device(first, device.key))
            await beating(Device(first, device.key), client_id, OFFLINE_AFTER)
            roles.kill(doomed)  # with up to a flush of beats in its memory

        await beating(device, client_id, 2 * OFFLINE_AFTER)  # the client turns to the other gateway
    finally:
        roles.stop_all()

    shown = (await http.get(f"/v1/clients/{client_id}", headers=account.auth)).json()
    assert (shown["online"], shown["online_since"]) == (True, since)
